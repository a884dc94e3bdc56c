ALTER TYPE app.pair ADD ATTRIBUTE c integer;
