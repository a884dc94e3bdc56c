CREATE TYPE auth.user_role AS ENUM (
    'admin',
    'user',
    'readonly'
);

COMMENT ON TYPE auth.user_role IS 'Access level of a user account.';
