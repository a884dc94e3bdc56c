CREATE TYPE public.mood AS ENUM ('sad', 'happy');
CREATE TABLE public.person (id integer PRIMARY KEY, mood public.mood);
CREATE VIEW public.happy_people AS SELECT id FROM public.person WHERE mood = 'happy';
