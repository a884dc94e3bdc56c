COMMENT ON TABLE app.items IS 'Items no longer on sale';
