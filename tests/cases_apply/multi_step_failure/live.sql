CREATE SCHEMA shop;
CREATE TABLE shop.orders (
    id integer PRIMARY KEY,
    code text,
    qty integer
);
CREATE INDEX orders_qty_idx ON shop.orders (qty);
