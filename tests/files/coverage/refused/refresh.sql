-- refused at line 2: canon does not manage the rows of materialized views (REFRESH)
REFRESH MATERIALIZED VIEW public.totals;
