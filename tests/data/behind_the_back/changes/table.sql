ALTER TABLE app.items SET (fillfactor = 70);
