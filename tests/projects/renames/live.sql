CREATE TABLE public.persons (
    id integer PRIMARY KEY,
    name text NOT NULL,
    nickname text
);
INSERT INTO public.persons VALUES (1, 'Ann', 'A'), (2, 'Bob', NULL);
CREATE TYPE public.mood AS ENUM ('glad', 'sad');
CREATE TABLE public.moods (person_id integer PRIMARY KEY, mood public.mood NOT NULL);
INSERT INTO public.moods VALUES (1, 'glad'), (2, 'sad');
