DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'canon_case_teller') THEN CREATE ROLE canon_case_teller NOLOGIN; END IF;
END $$;
CREATE TABLE public.acct (id integer PRIMARY KEY, owner text NOT NULL, balance numeric);
