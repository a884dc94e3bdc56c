CREATE TABLE public.person (id integer PRIMARY KEY, name text NOT NULL);
CREATE VIEW public.person_v AS SELECT id, name FROM public.person;
COMMENT ON VIEW public.person_v IS 'People.';
CREATE VIEW public.person_names AS SELECT name FROM public.person_v;
COMMENT ON VIEW public.person_names IS 'Stays as it is: its base view only gains a column.';
