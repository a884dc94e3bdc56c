CREATE SCHEMA shop;

CREATE TABLE shop.orders (
    id integer PRIMARY KEY,
    code integer,
    qty integer,
    placed_at timestamptz
);

CREATE INDEX orders_code_idx ON shop.orders (code);
