CREATE SCHEMA shop;

CREATE TABLE shop.orders (
    id integer PRIMARY KEY,
    qty integer NOT NULL
);
