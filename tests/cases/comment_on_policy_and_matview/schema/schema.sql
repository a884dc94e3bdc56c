CREATE TABLE public.t (id integer);
ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON public.t USING (true);
CREATE MATERIALIZED VIEW public.mv AS SELECT id FROM public.t;
COMMENT ON POLICY p ON public.t IS 'open';
COMMENT ON MATERIALIZED VIEW public.mv IS 'cached';
