CREATE SCHEMA shop;

CREATE TABLE shop.orders (
    id integer PRIMARY KEY,
    code text,
    qty integer,
    placed_at timestamptz,
    code_number integer GENERATED ALWAYS AS (code::integer) STORED
);

CREATE INDEX orders_code_idx ON shop.orders (code);
