-- refused at line 2: canon does not manage transactions in schema files
BEGIN;
CREATE TABLE public.a (id integer);
COMMIT;
