CREATE TABLE public.lines (
    id bigint PRIMARY KEY,
    qty numeric(10, 2) NOT NULL DEFAULT 1.5,
    label integer DEFAULT 7,
    active text DEFAULT 'yes'
);
