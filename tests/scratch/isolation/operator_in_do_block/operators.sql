CREATE TABLE public.points (id integer PRIMARY KEY);
SELECT 1;
DO $$ BEGIN
  EXECUTE 'CREATE OPERATOR public.=== (leftarg = integer, rightarg = integer, function = int4eq)';
END $$;
