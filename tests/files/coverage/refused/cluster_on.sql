-- refused at line 4: canon does not manage clustering (CLUSTER ON)
CREATE TABLE public.big (id integer);
CREATE INDEX big_id ON public.big (id);
ALTER TABLE public.big CLUSTER ON big_id;
