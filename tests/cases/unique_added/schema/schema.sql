CREATE TABLE public.t (id integer PRIMARY KEY, email text CONSTRAINT t_email_key UNIQUE);
