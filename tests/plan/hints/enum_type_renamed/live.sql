CREATE TYPE public.feeling AS ENUM ('sad', 'happy');
CREATE TABLE public.people (id integer PRIMARY KEY, mood public.feeling);
