-- refused at line 2: the schema name 'canon' is reserved
SET search_path TO canon, public;
CREATE TABLE t (id integer);
