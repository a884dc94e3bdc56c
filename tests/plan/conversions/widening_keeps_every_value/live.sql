CREATE TABLE public.events (id integer PRIMARY KEY, code varchar(10), payload json, total integer, eu text);
INSERT INTO public.events VALUES (1, 'abc', '{"a":1,  "b": [1,2]}', 7, '42'), (2, NULL, NULL, NULL, NULL);
