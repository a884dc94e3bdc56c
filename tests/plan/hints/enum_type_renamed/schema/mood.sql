CREATE TYPE public.mood AS ENUM ('sad', 'happy'); -- canon: renamed from feeling
CREATE TABLE public.people (id integer PRIMARY KEY, mood public.mood);
