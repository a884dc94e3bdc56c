CREATE INDEX items_note_idx ON app.items (note);
