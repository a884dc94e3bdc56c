ALTER POLICY items_visible ON app.items USING (qty > 1);
