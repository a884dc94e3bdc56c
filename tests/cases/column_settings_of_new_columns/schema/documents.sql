-- Columns and tables the plan creates start from PostgreSQL's defaults, then get theirs.
CREATE TABLE public.documents (id integer PRIMARY KEY, body text COMPRESSION lz4);
ALTER TABLE public.documents ALTER COLUMN body SET STORAGE EXTERNAL;
CREATE TABLE public.blobs (id integer PRIMARY KEY, data bytea);
ALTER TABLE public.blobs ALTER COLUMN data SET STATISTICS 250;
