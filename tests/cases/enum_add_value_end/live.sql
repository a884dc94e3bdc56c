CREATE TYPE public.mood AS ENUM ('sad', 'ok');
CREATE TABLE public.person (id integer PRIMARY KEY, mood public.mood);
