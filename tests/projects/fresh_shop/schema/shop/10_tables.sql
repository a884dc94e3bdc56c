-- A small shop, loaded as it is into an empty database.
CREATE TYPE shop.status AS ENUM ('new', 'paid', 'shipped');

CREATE TABLE shop.customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE CHECK (position('@' in email) > 1),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE shop.orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES shop.customers (id) ON DELETE CASCADE,
    status shop.status NOT NULL DEFAULT 'new',
    attrs jsonb NOT NULL DEFAULT '{}'::jsonb,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_id_idx ON shop.orders (customer_id);
CREATE INDEX orders_attrs_idx ON shop.orders USING gin (attrs);
COMMENT ON TABLE shop.orders IS 'One row per order';

CREATE TRIGGER orders_updated_at BEFORE UPDATE ON shop.orders
    FOR EACH ROW EXECUTE FUNCTION shop.touch();
