CREATE SCHEMA shop;

CREATE TABLE shop.customers (
    id bigint PRIMARY KEY,
    email text NOT NULL,
    name text
);

CREATE TABLE shop.orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES shop.customers (id),
    code text,
    qty integer NOT NULL,
    note text
);
CREATE INDEX orders_note_idx ON shop.orders (note);

CREATE TABLE shop.legacy (
    id integer PRIMARY KEY,
    payload text
);
