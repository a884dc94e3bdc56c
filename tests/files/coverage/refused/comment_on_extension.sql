-- refused at line 3: canon does not manage comments on extensions
CREATE EXTENSION IF NOT EXISTS citext;
COMMENT ON EXTENSION citext IS 'case-insensitive text';
