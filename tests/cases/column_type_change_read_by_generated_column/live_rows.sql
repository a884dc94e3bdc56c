INSERT INTO public.rooms (id, width, depth) VALUES (1, 3, 4);
