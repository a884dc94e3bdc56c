CREATE TABLE public.t (id integer);
COMMENT ON TABLE public.t IS 'it''s $$ ; DROP TABLE public.t; -- \ done';
