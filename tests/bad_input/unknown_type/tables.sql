CREATE TABLE public.ok (id integer PRIMARY KEY);
CREATE TABLE public.broken (
    id integer PRIMARY KEY,
    status public.no_such_type NOT NULL
);
