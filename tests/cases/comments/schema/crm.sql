CREATE SCHEMA crm;
COMMENT ON SCHEMA crm IS 'Customer relations';
CREATE TABLE crm.contacts (id integer PRIMARY KEY, name text);
COMMENT ON TABLE crm.contacts IS 'People we talk to; it''s quoted';
COMMENT ON COLUMN crm.contacts.id IS 'Surrogate key';
