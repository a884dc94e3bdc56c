-- refused at line 2: canon does not manage operator classes
CREATE OPERATOR CLASS public.int_ops FOR TYPE integer USING btree AS OPERATOR 1 <;
