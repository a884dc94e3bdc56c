CREATE TABLE public.accounts (id bigint PRIMARY KEY, balance integer NOT NULL,
    doubled integer GENERATED ALWAYS AS (balance * 2) STORED);
COMMENT ON COLUMN public.accounts.doubled IS 'twice the balance';
ALTER TABLE public.accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY accounts_positive ON public.accounts USING (balance > 0);
COMMENT ON POLICY accounts_positive ON public.accounts IS 'only accounts in credit';
