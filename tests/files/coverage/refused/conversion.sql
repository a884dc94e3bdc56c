-- refused at line 2: canon does not manage conversions
CREATE CONVERSION public.latin FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
