CREATE FUNCTION public.is_code(v text) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN v ~ '^[A-Z]+$';
CREATE FUNCTION public.default_code() RETURNS text LANGUAGE sql RETURN 'AAA';
CREATE DOMAIN public.code AS text DEFAULT public.default_code() CHECK (public.is_code(VALUE));
CREATE TABLE public.items (id bigint PRIMARY KEY, code public.code);
