CREATE TABLE public.accounts (id bigint PRIMARY KEY, email text NOT NULL, deleted_at timestamptz);

CREATE UNIQUE INDEX
    CONCURRENTLY IF NOT EXISTS accounts_email_lower
    ON public.accounts (lower(email)) WHERE deleted_at IS NULL;
