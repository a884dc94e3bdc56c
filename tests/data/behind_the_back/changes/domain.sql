ALTER DOMAIN app.positive DROP CONSTRAINT positive_check;
ALTER DOMAIN app.positive ADD CONSTRAINT positive_check CHECK (VALUE >= 0);
