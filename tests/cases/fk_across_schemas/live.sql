CREATE SCHEMA a;
CREATE SCHEMA b;
CREATE TABLE a.owner (id integer PRIMARY KEY);
CREATE TABLE b.pet (id integer PRIMARY KEY, owner_id integer);
