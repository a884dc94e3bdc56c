INSERT INTO public.tickets (status, price) VALUES ('done', 10);
