CREATE COLLATION public.nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE public.t (id integer, name text COLLATE public.nocase);
