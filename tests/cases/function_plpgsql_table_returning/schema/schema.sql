CREATE TABLE public.t (id integer PRIMARY KEY, n integer);
CREATE FUNCTION public.top(k integer) RETURNS TABLE (id integer, n integer) LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY SELECT t.id, t.n FROM public.t ORDER BY t.n DESC LIMIT k;
END;
$$;
