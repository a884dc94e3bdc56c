CREATE TABLE public.items (id integer PRIMARY KEY, name text NOT NULL);
CREATE VIEW public.item_names AS SELECT id, name FROM public.items;
CREATE RULE item_names_insert AS ON INSERT TO public.item_names
    DO INSTEAD INSERT INTO public.items VALUES (NEW.id, NEW.name);
