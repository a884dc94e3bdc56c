INSERT INTO public.person VALUES (1, 'ok'), (2, 'ok'), (3, 'sad');
