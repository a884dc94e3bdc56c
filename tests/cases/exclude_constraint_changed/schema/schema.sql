CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE public.booking (id integer PRIMARY KEY, room integer, during tsrange, CONSTRAINT booking_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (room > 0));
