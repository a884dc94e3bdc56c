-- Sneaker resale platform: analytics.

CREATE SCHEMA analytics;

COMMENT ON SCHEMA analytics IS
    'Sneaker resale platform: forecasting, KPIs, market analysis and brand analysis views.';
