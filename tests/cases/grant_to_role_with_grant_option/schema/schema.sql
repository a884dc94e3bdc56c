CREATE TABLE public.acct (id integer PRIMARY KEY, owner text NOT NULL, balance numeric);
GRANT SELECT ON public.acct TO canon_case_reader WITH GRANT OPTION;
GRANT UPDATE (balance) ON public.acct TO canon_case_reader;
