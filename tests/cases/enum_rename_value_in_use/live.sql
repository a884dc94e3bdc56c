CREATE TYPE public.mood AS ENUM ('sad', 'canceled');
CREATE TABLE public.person (id integer PRIMARY KEY, mood public.mood);
