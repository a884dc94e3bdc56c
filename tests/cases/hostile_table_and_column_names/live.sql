CREATE TABLE public."t""; DROP TABLE x; --" (id integer PRIMARY KEY);
