CREATE SCHEMA shop;
CREATE SCHEMA report;
CREATE TABLE shop.item (id integer PRIMARY KEY, label varchar(20) NOT NULL, note text);
CREATE VIEW shop.item_v WITH (security_barrier = true, check_option = local) AS
    SELECT id, label FROM shop.item WHERE id > 0;
COMMENT ON VIEW shop.item_v IS 'Items with a positive id.';
COMMENT ON COLUMN shop.item_v.label IS 'What the item is called.';
GRANT SELECT ON shop.item_v TO PUBLIC;
GRANT UPDATE (label) ON shop.item_v TO PUBLIC;
CREATE FUNCTION shop.item_v_delete() RETURNS trigger LANGUAGE plpgsql
    AS $$ BEGIN DELETE FROM shop.item WHERE id = OLD.id; RETURN OLD; END; $$;
CREATE TRIGGER item_v_delete INSTEAD OF DELETE ON shop.item_v
    FOR EACH ROW EXECUTE FUNCTION shop.item_v_delete();
COMMENT ON TRIGGER item_v_delete ON shop.item_v IS 'Deletes go to the table.';
CREATE VIEW report.item_names AS SELECT upper(label) AS name FROM shop.item_v;
COMMENT ON VIEW report.item_names IS 'A view over a view, in another schema.';
CREATE VIEW report.unrelated AS SELECT id, note FROM shop.item;
COMMENT ON VIEW report.unrelated IS 'Reads no changed column: never recreated.';
