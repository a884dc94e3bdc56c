CREATE SCHEMA crm;
CREATE TABLE crm.contacts (id integer PRIMARY KEY, name text);
COMMENT ON TABLE crm.contacts IS 'old words';
COMMENT ON COLUMN crm.contacts.name IS 'to be removed';
