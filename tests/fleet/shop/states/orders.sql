-- The release before added orders (loaded over v0.sql).
CREATE TABLE shop.orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id bigint NOT NULL REFERENCES shop.items (id) ON DELETE CASCADE,
    quantity integer NOT NULL CHECK (quantity > 0)
);

CREATE INDEX orders_item_id_idx ON shop.orders (item_id);

INSERT INTO shop.items (name, price) VALUES ('sneaker', 120);
