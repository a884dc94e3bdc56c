CREATE TABLE public.audit_log (id integer PRIMARY KEY, entry text NOT NULL);
