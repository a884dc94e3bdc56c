CREATE FUNCTION shop.is_weekday(d date) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT extract(isodow FROM d) < 6 $$;

CREATE FUNCTION shop.seen_lately(d date) RETURNS boolean
    LANGUAGE sql AS $$ SELECT d > current_date - 7 $$;

ALTER TABLE shop.orders
    ADD CONSTRAINT orders_weekday_check CHECK (shop.is_weekday(placed_on)),
    ADD CONSTRAINT orders_recent_check CHECK (shop.seen_lately(placed_on));

CREATE VIEW shop.order_summary AS
    SELECT o.*, c.email
    FROM shop.orders o JOIN shop.customers c ON c.id = o.customer_id;

CREATE VIEW shop.customer_emails AS SELECT id, email FROM shop.customers;
