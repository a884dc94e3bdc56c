-- New arguments make new functions: the domain's CHECK and default move to them.
CREATE FUNCTION public.is_code(v text, min_length integer) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN v ~ '^[A-Z]+$' AND length(v) >= min_length;
CREATE FUNCTION public.default_code() RETURNS varchar LANGUAGE sql RETURN 'AAA';
CREATE DOMAIN public.code AS text DEFAULT public.default_code() CHECK (public.is_code(VALUE, 2));
CREATE TABLE public.items (id bigint PRIMARY KEY, code public.code);
