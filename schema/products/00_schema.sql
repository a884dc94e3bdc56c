-- Sneaker resale platform: product catalogue and inventory.

CREATE SCHEMA products;

COMMENT ON SCHEMA products IS
    'Sneaker resale platform: product catalogue and physical inventory with its status workflow.';
