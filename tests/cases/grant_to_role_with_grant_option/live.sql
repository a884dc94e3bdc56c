CREATE TABLE public.acct (id integer PRIMARY KEY, owner text NOT NULL, balance numeric);
