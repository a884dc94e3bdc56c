-- Sneaker resale platform: system configuration and logging.

CREATE SCHEMA system;

COMMENT ON SCHEMA system IS
    'Sneaker resale platform: system configuration and event logging.';
