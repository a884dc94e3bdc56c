CREATE TABLE public.items (
    id integer PRIMARY KEY,
    name text NOT NULL,
    price numeric(10, 2) NOT NULL DEFAULT 0,
    tags text[]
);
