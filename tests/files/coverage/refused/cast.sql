-- refused at line 2: canon does not manage casts
CREATE CAST (integer AS text) WITH INOUT;
