-- User accounts. A NULL password_hash means the account cannot log in.

CREATE TABLE auth.users (
    id                    uuid           NOT NULL DEFAULT gen_random_uuid(),
    username              varchar(50)    NOT NULL,
    email                 varchar(255)   NOT NULL,
    password_hash         varchar(255),
    role                  auth.user_role NOT NULL DEFAULT 'user',
    is_active             boolean        NOT NULL DEFAULT true,
    can_login             boolean        NOT NULL
        GENERATED ALWAYS AS (is_active AND password_hash IS NOT NULL) STORED,
    failed_login_attempts integer        NOT NULL DEFAULT 0,
    locked_until          timestamptz,
    password_changed_at   timestamptz,
    last_login_at         timestamptz,
    created_at            timestamptz    NOT NULL DEFAULT now(),
    updated_at            timestamptz    NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_username_key UNIQUE (username),
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_email_check CHECK (position('@' IN email) > 1),
    CONSTRAINT users_password_hash_check CHECK (password_hash IS NULL OR length(password_hash) > 0),
    CONSTRAINT users_failed_login_attempts_check CHECK (failed_login_attempts >= 0)
);

CREATE INDEX ix_users_role ON auth.users (role);

COMMENT ON TABLE auth.users IS
    'User accounts with roles (admin, user, readonly). An account without a password hash cannot log in.';
COMMENT ON COLUMN auth.users.password_hash IS
    'Password hash (bcrypt or similar). NULL means no password has been set yet: the account cannot log in. Never committed in reference data.';
COMMENT ON COLUMN auth.users.can_login IS
    'Derived: true only for an active account that has a password hash. Authentication must require it.';
