CREATE TYPE public.point2 AS (x double precision, y double precision);
CREATE TABLE public.t (id integer PRIMARY KEY, p public.point2);
