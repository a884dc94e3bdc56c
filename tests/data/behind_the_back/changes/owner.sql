DO $$
BEGIN
    CREATE ROLE behind_the_back_owner NOLOGIN;
EXCEPTION WHEN duplicate_object THEN NULL;
END;
$$;
ALTER TABLE app.other OWNER TO behind_the_back_owner;
