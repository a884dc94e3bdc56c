CREATE TABLE public.keep (id integer PRIMARY KEY);
CREATE TABLE public.obsolete (id integer PRIMARY KEY, keep_id integer REFERENCES public.keep (id) ON DELETE CASCADE);
