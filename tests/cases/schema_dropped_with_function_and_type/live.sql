CREATE SCHEMA lib;
CREATE TYPE lib.color AS ENUM ('red');
CREATE FUNCTION lib.pick() RETURNS lib.color LANGUAGE sql AS $$ SELECT 'red'::lib.color $$;
CREATE TABLE public.keep (id integer);
