-- The release before: items had no sku and no check on prices.
CREATE SCHEMA shop;

CREATE TABLE shop.items (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CONSTRAINT items_name_key UNIQUE,
    price numeric(10, 2) NOT NULL
);

CREATE TABLE shop.orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id bigint NOT NULL REFERENCES shop.items (id) ON DELETE CASCADE,
    quantity integer NOT NULL CHECK (quantity > 0)
);

CREATE INDEX orders_item_id_idx ON shop.orders (item_id);

INSERT INTO shop.items (name, price) VALUES ('gift card', 0), ('sneaker', 120);
