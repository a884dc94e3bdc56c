-- The expression stays, the type widens: PostgreSQL refuses USING on a generated column.
CREATE TABLE public.boxes (
    id bigint PRIMARY KEY,
    w integer NOT NULL,
    h integer NOT NULL,
    area bigint GENERATED ALWAYS AS (w * h) STORED
);
