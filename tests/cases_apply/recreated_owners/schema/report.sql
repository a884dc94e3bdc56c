CREATE SCHEMA report;
CREATE TABLE report.sale (id integer PRIMARY KEY, region varchar(20), mood text);
CREATE VIEW report.sale_regions AS SELECT DISTINCT region FROM report.sale;
CREATE TYPE report.mood AS ENUM ('up', 'down');
CREATE FUNCTION report.region_label(r report.mood) RETURNS text LANGUAGE sql
    AS $$ SELECT r::text $$;
