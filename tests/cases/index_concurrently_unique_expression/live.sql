CREATE TABLE public.accounts (id bigint PRIMARY KEY, email text NOT NULL);
CREATE INDEX accounts_email ON public.accounts (email);
