CREATE TABLE public.node (id integer PRIMARY KEY, parent_id integer CONSTRAINT node_parent_fk REFERENCES public.node (id) ON DELETE CASCADE);
