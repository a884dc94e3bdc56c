-- The old serial column goes; its sequence stays and numbers the new column.
CREATE SEQUENCE public.invoices_legacy_no_seq AS integer;
CREATE TABLE public.invoices (
    id bigint PRIMARY KEY,
    no bigint DEFAULT nextval('public.invoices_legacy_no_seq')
);
