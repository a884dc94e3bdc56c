CREATE SCHEMA s;
CREATE TABLE s.a (id integer, code text, n integer NOT NULL, CONSTRAINT a_pkey PRIMARY KEY (id, n));
CREATE UNIQUE INDEX a_code_key2 ON s.a (code);
CREATE TABLE s.c (id integer PRIMARY KEY, k integer UNIQUE);
CREATE TABLE s.d (id integer PRIMARY KEY, sku text, active boolean);
CREATE UNIQUE INDEX d_sku ON s.d (sku) WHERE sku IS NOT NULL AND active;
CREATE TABLE s.e (id integer PRIMARY KEY, c_id integer REFERENCES s.c (id));
CREATE INDEX e_c_id ON s.e (c_id);
CREATE INDEX c_k_lookup ON s.c (k, id);
