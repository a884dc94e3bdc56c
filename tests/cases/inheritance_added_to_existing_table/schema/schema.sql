CREATE TABLE public.base (id integer, name text);
CREATE TABLE public.special (extra text) INHERITS (public.base);
