CREATE SCHEMA shop;
CREATE TYPE shop.status AS ENUM ('new', 'paid');
CREATE TABLE shop.orders (id serial PRIMARY KEY, status shop.status NOT NULL);
CREATE VIEW shop.paid AS SELECT id FROM shop.orders WHERE status = 'paid';
-- This one the files give to someone else: the default does not apply to it.
CREATE TABLE shop.audit (id integer PRIMARY KEY);
ALTER TABLE shop.audit OWNER TO canon_owner_other;
