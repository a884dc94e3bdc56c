CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE public.booking (id integer PRIMARY KEY, room integer, during tsrange);
