CREATE SEQUENCE public.ticket_numbers;
CREATE TABLE public.tickets_v1 (id bigint DEFAULT nextval('public.ticket_numbers') PRIMARY KEY, title text);
ALTER SEQUENCE public.ticket_numbers OWNED BY public.tickets_v1.id;
