CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE public.person (id integer PRIMARY KEY, mood public.mood);
CREATE INDEX person_sad_idx ON public.person (id) WHERE mood = 'sad';
