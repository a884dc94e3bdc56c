-- refused at line 3: canon does not manage rows in schema files; reference rows belong in seeds/
CREATE TABLE public.platforms (id integer PRIMARY KEY, name text);
INSERT INTO public.platforms VALUES (1, 'stockx');
