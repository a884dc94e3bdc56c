CREATE TABLE public.invoices (
    id bigint PRIMARY KEY,
    legacy_no serial,
    no bigint
);
