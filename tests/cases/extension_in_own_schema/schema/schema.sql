CREATE SCHEMA ext;
CREATE EXTENSION IF NOT EXISTS hstore SCHEMA ext;
CREATE TABLE public.t (id integer, attrs ext.hstore);
