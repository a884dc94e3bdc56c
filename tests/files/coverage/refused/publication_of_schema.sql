-- refused at line 2: canon does not manage publications of whole schemas
CREATE PUBLICATION everything FOR TABLES IN SCHEMA public;
