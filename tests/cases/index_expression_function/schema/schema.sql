CREATE TABLE public.t (id integer PRIMARY KEY, email text);
CREATE UNIQUE INDEX t_email_lower_idx ON public.t (lower(email));
