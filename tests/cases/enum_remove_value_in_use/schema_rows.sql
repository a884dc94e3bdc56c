INSERT INTO public.person VALUES (3, 'sad');
