-- Two releases before: no orders yet, no sku, no check on prices.
CREATE SCHEMA shop;

CREATE TABLE shop.items (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CONSTRAINT items_name_key UNIQUE,
    price numeric(10, 2) NOT NULL
);

INSERT INTO shop.items (name, price) VALUES ('gift card', 0);
