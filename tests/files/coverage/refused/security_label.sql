-- refused at line 2: canon does not manage security labels
SECURITY LABEL FOR selinux ON TABLE public.orders IS 'system_u:object_r:sepgsql_table_t:s0';
