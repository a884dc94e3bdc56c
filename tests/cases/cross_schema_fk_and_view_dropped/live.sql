CREATE SCHEMA a;
CREATE SCHEMA b;
CREATE TABLE a.p (id integer PRIMARY KEY);
CREATE TABLE b.c (id integer PRIMARY KEY, p_id integer REFERENCES a.p (id));
CREATE VIEW b.v AS SELECT c.id FROM b.c JOIN a.p ON p.id = c.p_id;
