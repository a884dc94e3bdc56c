CREATE SCHEMA shop;

CREATE TABLE shop.items (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CONSTRAINT items_name_key UNIQUE,
    price numeric(10, 2) NOT NULL CONSTRAINT items_price_check CHECK (price >= 0),
    sku text
);

CREATE INDEX items_sku_idx ON shop.items (sku) WHERE sku IS NOT NULL;

CREATE TABLE shop.orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id bigint NOT NULL REFERENCES shop.items (id) ON DELETE CASCADE,
    quantity integer NOT NULL CHECK (quantity > 0)
);

CREATE INDEX orders_item_id_idx ON shop.orders (item_id);
