CREATE TYPE public.mood AS ENUM ('sad', 'happy');
CREATE TABLE public.person (id integer PRIMARY KEY, mood public.mood);
