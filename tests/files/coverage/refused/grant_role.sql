-- refused at line 2: canon does not manage roles
GRANT pg_read_all_data TO reporting;
