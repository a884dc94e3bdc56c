CREATE TYPE public.mood AS ENUM ('sad', 'cancelled');
CREATE TABLE public.person (id integer PRIMARY KEY, mood public.mood);
