CREATE SCHEMA shop;

CREATE TABLE shop.customers (
    id bigint PRIMARY KEY,
    email text NOT NULL,
    name text
);
CREATE UNIQUE INDEX customers_email_key ON shop.customers (email);

CREATE TABLE shop.orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES shop.customers (id),
    code text,
    qty integer NOT NULL,
    status text NOT NULL DEFAULT 'new',
    CONSTRAINT orders_qty_positive CHECK (qty > 0)
);
CREATE INDEX orders_code_idx ON shop.orders (code);
CREATE INDEX orders_customer_idx ON shop.orders (customer_id);
