CREATE SCHEMA shop;
CREATE TABLE shop.people ( -- canon: renamed from "shop"."persons"
    id integer PRIMARY KEY,
    name text
);
