-- refused at line 2: canon does not manage operators (OWNER TO)
ALTER OPERATOR public.=== (integer, integer) OWNER TO app_owner;
