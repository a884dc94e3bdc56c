CREATE FUNCTION public.vat_rate() RETURNS numeric LANGUAGE sql IMMUTABLE RETURN 0.2;
CREATE FUNCTION public.gross(net numeric) RETURNS numeric LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
    SELECT net * (1 + public.vat_rate());
END;
