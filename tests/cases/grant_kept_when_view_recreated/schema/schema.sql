CREATE TABLE public.t (id integer, n integer);
CREATE VIEW public.v AS SELECT n, id FROM public.t;
GRANT SELECT ON public.v TO PUBLIC;
