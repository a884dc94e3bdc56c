CREATE SCHEMA shop;
CREATE TABLE shop.orders (id bigint PRIMARY KEY, total numeric NOT NULL);
GRANT SELECT ON shop.orders TO PUBLIC;
