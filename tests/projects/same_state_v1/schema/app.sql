CREATE SCHEMA app;
CREATE TABLE app.notes (id bigint PRIMARY KEY, body text NOT NULL);
