CREATE SCHEMA shop;

CREATE TABLE shop.customers (
    id integer PRIMARY KEY,
    email text,
    phone text NOT NULL
);

CREATE UNIQUE INDEX customers_email_key ON shop.customers (email);

CREATE TABLE shop.orders (
    id integer PRIMARY KEY,
    customer_id integer REFERENCES shop.customers (id),
    qty integer CONSTRAINT orders_qty_positive CHECK (qty > 0)
);
