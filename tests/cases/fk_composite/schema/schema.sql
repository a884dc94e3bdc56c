CREATE TABLE public.p (a integer, b integer, PRIMARY KEY (a, b));
CREATE TABLE public.c (id integer PRIMARY KEY, a integer, b integer, CONSTRAINT c_p_fk FOREIGN KEY (a, b) REFERENCES public.p (a, b) MATCH FULL);
