CREATE TABLE public."t""; DROP TABLE x; --" (id integer PRIMARY KEY, "c'); DROP TABLE y; --" text DEFAULT 'v''; --');
