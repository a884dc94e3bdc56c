-- An object of every kind canon manages, for changes made behind canon's back.
CREATE SCHEMA app;
CREATE EXTENSION citext SCHEMA public;
CREATE COLLATION app.binary FROM "C";
CREATE TYPE app.pair AS (a integer, b integer);
CREATE TYPE app.mood AS ENUM ('sad', 'ok');
CREATE TYPE app.span AS RANGE (subtype = int4);
CREATE DOMAIN app.positive AS integer CONSTRAINT positive_check CHECK (VALUE > 0);
CREATE SEQUENCE app.counter;

CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.note := coalesce(NEW.note, '');
    RETURN NEW;
END;
$$;

CREATE TABLE app.items (
    id bigint PRIMARY KEY,
    qty app.positive NOT NULL,
    mood app.mood NOT NULL DEFAULT 'ok',
    note text COLLATE app.binary,
    CONSTRAINT items_qty_check CHECK (qty < 1000)
);
CREATE TABLE app.other (id bigint PRIMARY KEY);
CREATE INDEX items_mood_idx ON app.items (mood);
CREATE TRIGGER items_touch BEFORE INSERT ON app.items FOR EACH ROW EXECUTE FUNCTION app.touch();
CREATE VIEW app.cheap AS SELECT id, qty FROM app.items WHERE qty < 10;

ALTER TABLE app.items ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_visible ON app.items USING (qty > 0);
CREATE PUBLICATION app_items FOR TABLE app.items;
GRANT SELECT ON app.items TO PUBLIC;
COMMENT ON TABLE app.items IS 'Items on sale';
ALTER TABLE app.other OWNER TO CURRENT_USER;  -- a declared owner, which drift then guards
