-- Sneaker resale platform: foundational reference data.

CREATE SCHEMA core;

COMMENT ON SCHEMA core IS
    'Sneaker resale platform: foundational reference data shared by every other domain (brands, categories, sales platforms, suppliers).';
