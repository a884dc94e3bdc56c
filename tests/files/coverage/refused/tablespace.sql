-- refused at line 2: canon does not manage tablespaces (TABLESPACE)
CREATE TABLE public.big (id integer) TABLESPACE fast_disk;
