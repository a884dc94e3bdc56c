-- refused at line 2: canon does not manage "$user" in search_path
SET search_path = "$user", public;
