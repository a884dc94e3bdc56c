CREATE SCHEMA shop;
CREATE TABLE shop.orders (
    id integer PRIMARY KEY,
    note text
);
-- PostgreSQL keeps this body as text: it does not record that it reads orders.note.
CREATE FUNCTION shop.order_note(order_id integer) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT o.note FROM shop.orders o WHERE o.id = order_id);
END
$$;
