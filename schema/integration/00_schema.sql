-- Sneaker resale platform: external data sources.

CREATE SCHEMA integration;

COMMENT ON SCHEMA integration IS
    'Sneaker resale platform: external data sources (StockX, AWIN affiliate feeds, CSV imports) and the unified price table.';
