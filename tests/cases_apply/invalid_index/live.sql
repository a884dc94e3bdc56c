CREATE SCHEMA shop;
CREATE TABLE shop.events (
    id bigint PRIMARY KEY,
    kind text NOT NULL,
    ref text
);
