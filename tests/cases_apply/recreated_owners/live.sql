-- Objects owned by another role than the one that applies: recreated, they keep it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'canon_test_report_owner') THEN
        CREATE ROLE canon_test_report_owner NOLOGIN;
    END IF;
END
$$;
CREATE SCHEMA report;
CREATE TABLE report.sale (id integer PRIMARY KEY, region varchar(10), mood text);
CREATE VIEW report.sale_regions AS SELECT DISTINCT region FROM report.sale;
CREATE TYPE report.mood AS ENUM ('up', 'down', 'flat');
CREATE FUNCTION report.region_label(r report.mood) RETURNS text LANGUAGE sql
    AS $$ SELECT r::text $$;
ALTER VIEW report.sale_regions OWNER TO canon_test_report_owner;
ALTER TYPE report.mood OWNER TO canon_test_report_owner;
ALTER FUNCTION report.region_label(report.mood) OWNER TO canon_test_report_owner;
