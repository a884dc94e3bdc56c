CREATE TYPE public.mood AS ENUM ('sad', 'x''); DROP TABLE public.person; --');
CREATE TABLE public.person (id integer PRIMARY KEY, mood public.mood);
