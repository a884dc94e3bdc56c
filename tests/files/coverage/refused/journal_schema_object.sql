-- refused at line 3: the schema name 'canon' is reserved
CREATE TABLE public.a (id integer);
CREATE TABLE "canon".applies_copy (id integer);
