-- refused at line 2: canon does not manage databases (GRANT)
GRANT CONNECT ON DATABASE shop TO PUBLIC;
