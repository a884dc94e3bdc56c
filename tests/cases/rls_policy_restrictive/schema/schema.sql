CREATE TABLE public.acct (id integer PRIMARY KEY, owner text NOT NULL, balance numeric);
ALTER TABLE public.acct ENABLE ROW LEVEL SECURITY;
CREATE POLICY acct_any ON public.acct USING (true);
CREATE POLICY acct_positive ON public.acct AS RESTRICTIVE FOR UPDATE USING (balance > 0);
