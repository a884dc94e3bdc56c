CREATE SCHEMA shop;
CREATE TABLE shop.events (
    id bigint PRIMARY KEY,
    kind text NOT NULL,
    ref text
);
CREATE INDEX events_ref_idx ON shop.events (ref);
