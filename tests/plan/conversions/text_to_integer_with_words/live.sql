CREATE TABLE public.sizes (code text PRIMARY KEY, eu text);
INSERT INTO public.sizes VALUES ('a', '42'), ('b', 'forty'), ('c', '43');
