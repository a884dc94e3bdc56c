-- Rows in a schema file: a plan does not copy them, so neither does an apply into an empty database.
CREATE SCHEMA shop;
CREATE TABLE shop.sizes (code text PRIMARY KEY);
INSERT INTO shop.sizes (code) VALUES ('S'), ('M'), ('L');
