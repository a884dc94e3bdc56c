-- Record every price change of the unified price table.

CREATE TRIGGER track_price_changes
    AFTER UPDATE ON integration.price_sources
    FOR EACH ROW
    WHEN (OLD.price IS DISTINCT FROM NEW.price)
    EXECUTE FUNCTION integration.track_price_changes();

COMMENT ON TRIGGER track_price_changes ON integration.price_sources IS
    'Writes one integration.price_history row whenever price changes; updates that leave the price unchanged write nothing.';
