CREATE TABLE public.base (id integer PRIMARY KEY, name text);
CREATE TABLE public.special (extra text) INHERITS (public.base);
