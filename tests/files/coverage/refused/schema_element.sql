-- refused at line 2: canon does not manage tablespaces (TABLESPACE)
CREATE SCHEMA reports CREATE TABLE reports.daily (day date) TABLESPACE fast_disk;
