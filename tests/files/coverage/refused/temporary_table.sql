-- refused at line 2: canon does not manage temporary tables
CREATE TEMPORARY TABLE scratchpad (id integer);
