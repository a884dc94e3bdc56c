CREATE DOMAIN public.pct AS integer CONSTRAINT pct_range CHECK (VALUE BETWEEN 0 AND 1000);
CREATE TABLE public.t (id integer PRIMARY KEY, p public.pct);
