CREATE SCHEMA shop;
CREATE TABLE shop.persons (id integer PRIMARY KEY);
