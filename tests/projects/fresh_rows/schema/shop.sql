-- Rows in a schema file: canon refuses them, even for an apply into an empty database.
CREATE SCHEMA shop;
CREATE TABLE shop.sizes (code text PRIMARY KEY);
INSERT INTO shop.sizes (code) VALUES ('S'), ('M'), ('L');
