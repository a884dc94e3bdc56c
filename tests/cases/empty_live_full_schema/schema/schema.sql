CREATE SCHEMA shop;
CREATE TYPE shop.state AS ENUM ('new', 'paid');
CREATE TABLE shop.customer (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE shop.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES shop.customer (id) ON DELETE CASCADE, state shop.state NOT NULL DEFAULT 'new', total numeric(12,2) CHECK (total >= 0));
CREATE INDEX orders_customer_idx ON shop.orders (customer_id);
CREATE VIEW shop.open_orders AS SELECT id, total FROM shop.orders WHERE state = 'new';
COMMENT ON TABLE shop.orders IS 'orders';
