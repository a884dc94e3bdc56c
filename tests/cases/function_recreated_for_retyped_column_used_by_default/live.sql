CREATE TABLE public.rates (id bigint PRIMARY KEY, amount integer NOT NULL);
CREATE FUNCTION public.top_rate() RETURNS numeric LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT max(amount) FROM public.rates;
END;
COMMENT ON FUNCTION public.top_rate() IS 'highest rate on file';
CREATE TABLE public.quotes (id bigint PRIMARY KEY, total numeric DEFAULT public.top_rate());
