CREATE OR REPLACE VIEW app.cheap AS SELECT id, qty FROM app.items WHERE qty < 20;
