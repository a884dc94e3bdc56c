CREATE SCHEMA shop;
CREATE TABLE shop.customers (
    id integer PRIMARY KEY,
    email text,
    phone text
);
CREATE TABLE shop.orders (
    id integer PRIMARY KEY,
    customer_id integer,
    qty integer
);
