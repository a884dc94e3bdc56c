-- No SET here: this file starts from canon's own session, whatever the file before set.
CREATE TABLE platforms (id integer PRIMARY KEY);
SET search_path TO shop;
CREATE TABLE order_lines (order_id integer REFERENCES orders (id));
RESET search_path;
CREATE TABLE brands (id integer PRIMARY KEY);
