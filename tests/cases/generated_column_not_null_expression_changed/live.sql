CREATE TABLE public.people (
    id bigint PRIMARY KEY,
    first text NOT NULL,
    last text NOT NULL,
    display text COLLATE "C" NOT NULL GENERATED ALWAYS AS (first || ' ' || last) STORED
);
