CREATE TABLE public.p (id integer PRIMARY KEY, code text CONSTRAINT p_code_key UNIQUE);
CREATE TABLE public.c (id integer PRIMARY KEY, code text CONSTRAINT c_code_fk REFERENCES public.p (code));
