ALTER TABLE app.items DROP CONSTRAINT items_qty_check;
ALTER TABLE app.items ADD CONSTRAINT items_qty_check CHECK (qty < 2000);
