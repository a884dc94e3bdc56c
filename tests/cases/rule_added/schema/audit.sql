CREATE TABLE public.audit_log (id integer PRIMARY KEY, entry text NOT NULL);
-- The log is append-only: updates and deletes are silently discarded.
CREATE RULE audit_log_no_update AS ON UPDATE TO public.audit_log DO INSTEAD NOTHING;
CREATE RULE audit_log_no_delete AS ON DELETE TO public.audit_log DO INSTEAD NOTHING;
