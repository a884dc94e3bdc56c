-- An object of a kind canon does not manage, in a managed schema.
CREATE AGGREGATE app.total(integer) (SFUNC = int4pl, STYPE = integer);
