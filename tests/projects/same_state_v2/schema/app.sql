-- Version 2 searches the notes, with a text search configuration PostgreSQL's catalogs
-- hold but canon does not plan: the live database gets it by hand.
CREATE SCHEMA app;
CREATE TEXT SEARCH CONFIGURATION app.notes_search (COPY = pg_catalog.simple);
CREATE TABLE app.notes (id bigint PRIMARY KEY, body text NOT NULL, pinned boolean);
CREATE INDEX notes_body_search_idx ON app.notes USING gin (to_tsvector('app.notes_search', body));
