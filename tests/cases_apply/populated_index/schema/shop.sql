CREATE SCHEMA shop;

CREATE TABLE shop.events (
    id bigint PRIMARY KEY,
    kind text NOT NULL,
    payload jsonb
);

CREATE INDEX events_kind_idx ON shop.events (kind);
