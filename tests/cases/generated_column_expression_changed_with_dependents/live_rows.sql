INSERT INTO public.orders (id, net, vat) VALUES (1, 100, 20);
