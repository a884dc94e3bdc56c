INSERT INTO public.products VALUES (1, 'ABC-1');
