-- Rules are not planned by canon; one on a view that must be recreated comes back.
CREATE TABLE public.note (id integer PRIMARY KEY, body varchar(80));
CREATE VIEW public.note_v AS SELECT id, body FROM public.note;
CREATE RULE note_v_insert AS ON INSERT TO public.note_v
    DO INSTEAD INSERT INTO public.note VALUES (NEW.id, NEW.body);
COMMENT ON RULE note_v_insert ON public.note_v IS 'Inserts go to the table.';
CREATE TABLE public.note_log (id integer);
CREATE RULE note_log_copy AS ON INSERT TO public.note_log
    DO ALSO SELECT count(*) FROM public.note_v;
