CREATE TABLE public.acct (id integer PRIMARY KEY, owner text NOT NULL, balance numeric);
ALTER TABLE public.acct ENABLE ROW LEVEL SECURITY;
CREATE POLICY acct_own ON public.acct FOR ALL USING (owner = current_user) WITH CHECK (balance >= 0);
