CREATE SCHEMA sales;
CREATE TYPE sales.order_status AS ENUM ('pending', 'paid');
CREATE TABLE sales.orders (id integer PRIMARY KEY, status sales.order_status NOT NULL DEFAULT 'pending');
