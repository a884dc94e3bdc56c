-- The counter outlives its first table: dropping tickets_v1 must not take it along.
CREATE SEQUENCE public.ticket_numbers;
CREATE TABLE public.tickets (id bigint DEFAULT nextval('public.ticket_numbers') PRIMARY KEY, subject text);
ALTER SEQUENCE public.ticket_numbers OWNED BY public.tickets.id;
