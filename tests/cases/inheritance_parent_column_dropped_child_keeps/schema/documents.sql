-- The parent loses legacy_ref; invoices keeps it as its own column, with its values.
CREATE TABLE public.documents (id bigint, title text);
CREATE TABLE public.invoices (amount numeric, legacy_ref text) INHERITS (public.documents);
CREATE TABLE public.notes (body text) INHERITS (public.documents);
