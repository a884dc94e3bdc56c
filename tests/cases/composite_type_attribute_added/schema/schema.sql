CREATE TYPE public.point2 AS (x double precision, y double precision, z double precision);
