-- Sneaker resale platform: authentication and authorisation.

CREATE SCHEMA auth;

COMMENT ON SCHEMA auth IS
    'Sneaker resale platform: user accounts and roles.';
