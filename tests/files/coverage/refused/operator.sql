-- refused at line 2: canon does not manage operators
CREATE OPERATOR public.=== (leftarg = integer, rightarg = integer, function = int4eq);
