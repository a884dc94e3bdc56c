CREATE TABLE public.config (k text PRIMARY KEY, v text);
-- SQL-standard bodies are parsed when created: zz_default_rate must exist before
-- aa_rate, whatever their names' order.
CREATE FUNCTION public.zz_default_rate() RETURNS numeric LANGUAGE sql IMMUTABLE RETURN 0.2;
CREATE FUNCTION public.aa_rate() RETURNS numeric LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
    SELECT public.zz_default_rate() * 2;
END;
CREATE TABLE public.rates (id bigint PRIMARY KEY, rate numeric DEFAULT public.aa_rate());
