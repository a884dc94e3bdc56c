DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'canon_case_auditor') THEN CREATE ROLE canon_case_auditor NOLOGIN; END IF;
END $$;
CREATE SCHEMA app;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO canon_case_auditor;
