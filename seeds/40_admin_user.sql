-- Administrator account (auth.users), keyed by username.
-- No password hash is part of the reference data: password_hash stays NULL,
-- so can_login is false until an operator sets a password. Re-running this
-- file never touches password_hash.

INSERT INTO auth.users (username, email, role, is_active)
VALUES
    ('admin', 'admin@soleflip.com', 'admin', true)
ON CONFLICT (username) DO UPDATE SET
    email = EXCLUDED.email,
    role = EXCLUDED.role,
    is_active = EXCLUDED.is_active;
