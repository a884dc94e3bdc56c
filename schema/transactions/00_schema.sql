-- Sneaker resale platform: orders and money movements.

CREATE SCHEMA transactions;

COMMENT ON SCHEMA transactions IS
    'Sneaker resale platform: multi-platform orders and financial transactions.';
