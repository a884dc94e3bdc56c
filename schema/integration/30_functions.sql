-- Price change tracking.

CREATE FUNCTION integration.track_price_changes()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO integration.price_history (
        price_source_id, product_id, size_id, source_type, price_type, condition,
        old_price, price, currency, in_stock
    )
    VALUES (
        NEW.id, NEW.product_id, NEW.size_id, NEW.source_type, NEW.price_type, NEW.condition,
        OLD.price, NEW.price, NEW.currency, NEW.in_stock
    );
    RETURN NULL;
END;
$$;

COMMENT ON FUNCTION integration.track_price_changes() IS
    'AFTER UPDATE row trigger on integration.price_sources: appends the old and new price to integration.price_history.';
