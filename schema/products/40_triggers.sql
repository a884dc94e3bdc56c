-- Keep updated_at current on the catalogue and the inventory.

CREATE TRIGGER update_products_updated_at
    BEFORE UPDATE ON products.products
    FOR EACH ROW
    EXECUTE FUNCTION core.update_updated_at_column();

CREATE TRIGGER update_inventory_updated_at
    BEFORE UPDATE ON products.inventory
    FOR EACH ROW
    EXECUTE FUNCTION core.update_updated_at_column();

COMMENT ON TRIGGER update_products_updated_at ON products.products IS
    'Sets updated_at on every row update.';
COMMENT ON TRIGGER update_inventory_updated_at ON products.inventory IS
    'Sets updated_at on every row update.';
