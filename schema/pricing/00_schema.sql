-- Sneaker resale platform: smart pricing engine.

CREATE SCHEMA pricing;

COMMENT ON SCHEMA pricing IS
    'Sneaker resale platform: smart pricing engine (brand multipliers, price rules) and legacy price tables.';
