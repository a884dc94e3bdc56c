CREATE SCHEMA shop;

CREATE TABLE shop.orders (
    id integer PRIMARY KEY,
    qty integer NOT NULL,
    gift boolean NOT NULL DEFAULT false
);

CREATE INDEX orders_gift_idx ON shop.orders (gift);
