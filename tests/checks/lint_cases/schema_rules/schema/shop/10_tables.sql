CREATE SCHEMA shop;

CREATE TABLE shop.customers (
    id bigint GENERATED ALWAYS AS IDENTITY,
    email text NOT NULL,
    created_at timestamp NOT NULL,
    country char(2),
    balance money,
    CONSTRAINT customers_pkey PRIMARY KEY (id)
);

CREATE TABLE shop.orders (
    id bigserial,
    customer_id bigint NOT NULL REFERENCES shop.customers (id),
    placed_on date NOT NULL,
    CONSTRAINT orders_pkey PRIMARY KEY (id),
    CONSTRAINT orders_placed_check CHECK (placed_on <= current_date),
    CHECK (id > 0)
);

CREATE TABLE shop.order_lines (
    order_id bigint NOT NULL,
    sku text NOT NULL,
    CONSTRAINT order_lines_order_fkey FOREIGN KEY (order_id) REFERENCES shop.orders (id),
    CONSTRAINT order_lines_key UNIQUE (order_id, sku)
);

CREATE TABLE shop.events (
    at timestamptz NOT NULL,
    payload jsonb
);

CREATE INDEX order_lines_order ON shop.order_lines (order_id);
CREATE INDEX orders_customer ON shop.orders (customer_id) WHERE placed_on > '2020-01-01';
