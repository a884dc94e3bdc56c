CREATE TABLE public.documents (id bigint, title text, legacy_ref text);
CREATE TABLE public.invoices (amount numeric, legacy_ref text) INHERITS (public.documents);
CREATE TABLE public.notes (body text) INHERITS (public.documents);
