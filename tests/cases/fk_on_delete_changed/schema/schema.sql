CREATE TABLE public.parent (id integer PRIMARY KEY);
CREATE TABLE public.child (id integer PRIMARY KEY, parent_id integer CONSTRAINT child_parent_fk REFERENCES public.parent (id) ON DELETE SET NULL ON UPDATE CASCADE);
