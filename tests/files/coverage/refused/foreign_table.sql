-- refused at line 2: canon does not manage foreign tables
CREATE FOREIGN TABLE public.remote (id integer) SERVER elsewhere;
