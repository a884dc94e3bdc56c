ALTER TABLE app.other ADD COLUMN extra text;
