CREATE SCHEMA shop;
CREATE TABLE shop.orders (
    id integer PRIMARY KEY,
    "note
DROP TABLE shop.orders; --" text
);
