-- refused at line 2: canon does not manage event triggers
CREATE EVENT TRIGGER no_drops ON sql_drop EXECUTE FUNCTION public.refuse();
