CREATE SCHEMA raw;
CREATE SCHEMA report;
CREATE TABLE raw.events (id integer PRIMARY KEY, kind text);
CREATE VIEW report.kinds AS SELECT kind, count(*) AS n FROM raw.events GROUP BY kind;
