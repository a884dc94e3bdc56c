-- refused at line 2: canon does not manage server settings (ALTER SYSTEM)
ALTER SYSTEM SET work_mem = '64MB';
