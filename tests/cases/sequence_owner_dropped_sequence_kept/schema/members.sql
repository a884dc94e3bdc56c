-- The legacy table goes; its counter stays, unowned, and numbers the new table (a
-- sequence can only be owned by a table of its own schema).
CREATE SCHEMA legacy;
CREATE SEQUENCE legacy.member_numbers;
CREATE TABLE public.members (no bigint DEFAULT nextval('legacy.member_numbers') PRIMARY KEY, name text);
