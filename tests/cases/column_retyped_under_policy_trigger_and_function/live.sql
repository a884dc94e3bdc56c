CREATE TABLE public.account (id integer PRIMARY KEY, owner_name varchar(30) NOT NULL, balance numeric(8, 2));
ALTER TABLE public.account ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON public.account USING (owner_name = current_user);
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$;
CREATE TRIGGER balance_changed BEFORE UPDATE OF balance ON public.account
    FOR EACH ROW WHEN (OLD.balance IS DISTINCT FROM NEW.balance) EXECUTE FUNCTION public.touch();
COMMENT ON TRIGGER balance_changed ON public.account IS 'Balance moves only.';
CREATE FUNCTION public.owner_of(account_id integer) RETURNS varchar LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT owner_name FROM public.account WHERE id = account_id;
END;
