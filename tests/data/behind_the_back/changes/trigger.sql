ALTER TABLE app.items DISABLE TRIGGER items_touch;
