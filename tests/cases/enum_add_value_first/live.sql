CREATE TYPE public.mood AS ENUM ('ok', 'happy');
CREATE TABLE public.person (id integer PRIMARY KEY, mood public.mood);
