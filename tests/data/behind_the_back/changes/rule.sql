-- A rule that silently discards every insert.
CREATE RULE items_ignored AS ON INSERT TO app.other DO INSTEAD NOTHING;
