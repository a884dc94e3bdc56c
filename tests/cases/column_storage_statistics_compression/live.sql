CREATE TABLE public.documents (id integer PRIMARY KEY, title text, body text, payload jsonb);
CREATE TABLE public.blobs (id integer PRIMARY KEY, data bytea);
