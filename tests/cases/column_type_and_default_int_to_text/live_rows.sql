INSERT INTO public.parcels VALUES (1, 42, 2);
