INSERT INTO public.stock (id, qty) VALUES (1, 5);
