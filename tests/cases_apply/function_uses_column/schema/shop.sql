CREATE SCHEMA shop;

CREATE TABLE shop.orders (
    id integer PRIMARY KEY
);

CREATE FUNCTION shop.order_note(order_id integer) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT o.note FROM shop.orders o WHERE o.id = order_id);
END
$$;
