CREATE SCHEMA legacy;
CREATE SEQUENCE legacy.member_numbers;
CREATE TABLE legacy.members (no bigint DEFAULT nextval('legacy.member_numbers'), name text);
ALTER SEQUENCE legacy.member_numbers OWNED BY legacy.members.no;
