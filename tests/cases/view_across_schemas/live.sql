CREATE SCHEMA raw;
CREATE SCHEMA report;
CREATE TABLE raw.events (id integer PRIMARY KEY, kind text);
