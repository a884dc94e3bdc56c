CREATE TABLE public.accounts (id integer PRIMARY KEY, email text NOT NULL);
INSERT INTO public.accounts VALUES (1, 'ann@example.com'), (2, 'bob@example.com');
