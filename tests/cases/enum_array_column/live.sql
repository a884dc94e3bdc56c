CREATE TYPE public.tag AS ENUM ('a', 'b');
CREATE TABLE public.item (id integer PRIMARY KEY, tags public.tag[]);
