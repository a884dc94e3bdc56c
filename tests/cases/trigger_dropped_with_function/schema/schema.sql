CREATE TABLE public.doc (id integer PRIMARY KEY, body text, updated_at timestamptz, version integer DEFAULT 0);
