CREATE TYPE public.mood AS ENUM ('happy', 'ok', 'sad');
CREATE TABLE public.person (id integer PRIMARY KEY, mood public.mood);
