-- refused at line 3: canon does not manage tablespaces (SET TABLESPACE)
CREATE TABLE public.big (id integer);
ALTER TABLE public.big SET TABLESPACE fast_disk;
