-- refused at line 2: the schema name 'canon' is reserved for canon's journal
CREATE SCHEMA canon;
