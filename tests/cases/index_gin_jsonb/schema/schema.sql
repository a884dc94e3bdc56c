CREATE TABLE public.t (id integer PRIMARY KEY, doc jsonb);
CREATE INDEX t_doc_idx ON public.t USING gin (doc jsonb_path_ops);
