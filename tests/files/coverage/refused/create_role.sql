-- refused at line 4: canon does not manage roles; create roles on the server
CREATE TABLE public.accounts (id integer PRIMARY KEY);

CREATE ROLE reporting NOLOGIN;
GRANT SELECT ON public.accounts TO reporting;
