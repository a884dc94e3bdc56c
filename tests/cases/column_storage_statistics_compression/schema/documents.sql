CREATE TABLE public.documents (
    id integer PRIMARY KEY,
    title text,
    body text COMPRESSION lz4,
    payload jsonb
);
ALTER TABLE public.documents ALTER COLUMN title SET STATISTICS 1000;
ALTER TABLE public.documents ALTER COLUMN payload SET STORAGE EXTERNAL;
ALTER TABLE public.documents ALTER COLUMN id SET (n_distinct = -1);
CREATE TABLE public.blobs (id integer PRIMARY KEY, data bytea);
ALTER TABLE public.blobs ALTER COLUMN data SET STORAGE MAIN;
