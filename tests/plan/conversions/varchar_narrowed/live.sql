CREATE TABLE public.products (id integer PRIMARY KEY, name varchar(100));
INSERT INTO public.products VALUES (1, 'air max'), (2, 'air jordan 1 retro high og'), (3, NULL),
                                   (4, 'yeezy boost 350 v2');
