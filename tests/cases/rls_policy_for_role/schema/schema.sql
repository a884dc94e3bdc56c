CREATE TABLE public.acct (id integer PRIMARY KEY, owner text NOT NULL, balance numeric);
ALTER TABLE public.acct ENABLE ROW LEVEL SECURITY;
CREATE POLICY acct_teller ON public.acct FOR SELECT TO canon_case_teller USING (true);
