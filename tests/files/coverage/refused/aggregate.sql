-- refused at line 2: canon does not manage aggregates
CREATE AGGREGATE public.total_of(numeric) (sfunc = numeric_add, stype = numeric);
