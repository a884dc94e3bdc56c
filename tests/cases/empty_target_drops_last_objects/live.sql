CREATE TYPE public.status AS ENUM ('new', 'done');
CREATE DOMAIN public.positive AS numeric CHECK (VALUE > 0);
CREATE SEQUENCE public.ticket_numbers;
CREATE FUNCTION public.next_ticket() RETURNS bigint LANGUAGE sql RETURN nextval('public.ticket_numbers');
CREATE TABLE public.tickets (
    id bigint PRIMARY KEY DEFAULT public.next_ticket(),
    status public.status NOT NULL DEFAULT 'new',
    price public.positive
);
CREATE INDEX tickets_status ON public.tickets (status);
CREATE VIEW public.open_tickets AS SELECT id FROM public.tickets WHERE status = 'new';
