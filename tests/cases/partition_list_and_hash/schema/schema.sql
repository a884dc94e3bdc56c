CREATE TABLE public.keep (id integer PRIMARY KEY);
CREATE TABLE public.byregion (id integer, region text) PARTITION BY LIST (region);
CREATE TABLE public.byregion_eu PARTITION OF public.byregion FOR VALUES IN ('eu', 'uk');
CREATE TABLE public.byid (id integer) PARTITION BY HASH (id);
CREATE TABLE public.byid_0 PARTITION OF public.byid FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE public.byid_1 PARTITION OF public.byid FOR VALUES WITH (MODULUS 2, REMAINDER 1);
