CREATE SCHEMA shop;
CREATE TABLE public.people ( -- canon: renamed from shop.persons
    id integer PRIMARY KEY
);
