-- Keys dropped, replaced and added on tables that stay, on a table that goes and on a new
-- one, with concurrent builds between them: no step may leave a table without its keys.
CREATE SCHEMA s;
CREATE TABLE s.a (id integer PRIMARY KEY, code text UNIQUE, n integer);
CREATE TABLE s.b (id integer PRIMARY KEY, x text);
CREATE UNIQUE INDEX b_x ON s.b (x);
CREATE TABLE s.c (id integer PRIMARY KEY, k integer);
CREATE TABLE s.d (id integer PRIMARY KEY, sku text, active boolean);
CREATE UNIQUE INDEX d_sku ON s.d (sku) WHERE sku IS NOT NULL;
