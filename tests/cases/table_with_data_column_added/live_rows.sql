INSERT INTO public.t VALUES (1, 'x'), (2, 'y');
