CREATE TYPE public.mood AS ENUM ('sad', 'meh', 'ok', 'happy', 'elated');
CREATE TABLE public.person (id integer PRIMARY KEY, mood public.mood);
