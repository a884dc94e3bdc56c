CREATE TABLE public.lines (
    id bigint PRIMARY KEY,
    qty smallint NOT NULL DEFAULT 1,
    label varchar(10) DEFAULT 'x',
    active boolean DEFAULT true
);
