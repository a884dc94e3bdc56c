CREATE SCHEMA core;
CREATE SCHEMA api;
CREATE SCHEMA lib;
CREATE TABLE core.item (id integer PRIMARY KEY, price numeric CHECK (lib.positive(price)));
CREATE FUNCTION lib.positive(n numeric) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT n > 0 $$;
CREATE VIEW api.items AS SELECT id, price, lib.positive(price) AS ok FROM core.item;
