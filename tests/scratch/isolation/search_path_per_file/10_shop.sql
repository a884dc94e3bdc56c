CREATE SCHEMA shop;
SET search_path TO shop;
CREATE TABLE orders (id integer PRIMARY KEY);
