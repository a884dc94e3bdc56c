CREATE TABLE public.parcels (
    id bigint PRIMARY KEY,
    code integer NOT NULL DEFAULT 0,
    "weight class" smallint DEFAULT 1
);
