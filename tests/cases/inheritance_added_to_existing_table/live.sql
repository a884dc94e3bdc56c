CREATE TABLE public.base (id integer, name text);
CREATE TABLE public.special (id integer, name text, extra text);
