-- Both the type and the default change: the new default is text, the old one an integer.
CREATE TABLE public.parcels (
    id bigint PRIMARY KEY,
    code text NOT NULL DEFAULT 'none',
    "weight class" text DEFAULT 'light'
);
