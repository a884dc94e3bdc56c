CREATE DOMAIN public.code AS text CONSTRAINT code_upper CHECK (VALUE = upper(VALUE));
CREATE TABLE public.t (id integer PRIMARY KEY, c public.code);
