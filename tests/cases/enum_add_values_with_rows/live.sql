CREATE TYPE public.mood AS ENUM ('sad', 'happy');
CREATE TABLE public.person (id integer PRIMARY KEY, mood public.mood);
INSERT INTO public.person VALUES (1, 'sad'), (2, 'happy');
