CREATE TABLE public.ok (id integer PRIMARY KEY);

CREATE TABLE public.broken (
    id integer PRIMARY KEY,
    name txt NOT NULL,,
);
