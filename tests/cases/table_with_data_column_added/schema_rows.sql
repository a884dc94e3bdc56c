INSERT INTO public.t VALUES (1, 'x', 'z'), (2, 'y', 'z');
