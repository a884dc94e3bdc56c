-- Sneaker resale platform: platform-specific data.

CREATE SCHEMA platforms;

COMMENT ON SCHEMA platforms IS
    'Sneaker resale platform: platform-specific data (StockX listings and orders, per-platform price history).';
