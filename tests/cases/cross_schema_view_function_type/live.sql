CREATE SCHEMA core;
CREATE SCHEMA api;
CREATE TABLE core.item (id integer PRIMARY KEY, price numeric);
