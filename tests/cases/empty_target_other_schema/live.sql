CREATE SCHEMA billing;
CREATE TABLE billing.invoices (id bigint PRIMARY KEY, total numeric);
CREATE FUNCTION billing.total() RETURNS numeric LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT sum(total) FROM billing.invoices;
END;
