CREATE SCHEMA app;
CREATE TABLE app.t (id integer);
CREATE FUNCTION app.n() RETURNS bigint LANGUAGE sql STABLE SET search_path = app AS $$ SELECT count(*) FROM t $$;
