CREATE TABLE public.keep (id integer PRIMARY KEY);
CREATE TYPE public.evil AS ENUM ('a', 'x''); DROP TABLE public.keep; --');
