CREATE SCHEMA new_stuff;
CREATE TABLE new_stuff.t (id integer);
