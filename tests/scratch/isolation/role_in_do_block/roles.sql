CREATE TABLE public.accounts (id integer PRIMARY KEY);
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'canon_isolation_leak') THEN
    CREATE ROLE canon_isolation_leak NOLOGIN;
  END IF;
END $$;
GRANT SELECT ON public.accounts TO canon_isolation_leak;
