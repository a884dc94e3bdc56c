CREATE TABLE public.accounts (id bigint PRIMARY KEY, balance integer NOT NULL DEFAULT 0, owner text);
ALTER TABLE public.accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY accounts_positive ON public.accounts USING (balance >= 0);
CREATE FUNCTION public.total_balance() RETURNS bigint LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT sum(balance) FROM public.accounts;
END;
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER accounts_touch BEFORE UPDATE ON public.accounts
    FOR EACH ROW WHEN (NEW.balance <> OLD.balance) EXECUTE FUNCTION public.touch();
