-- Retail sales forecasting.

CREATE SCHEMA forecasting;

COMMENT ON SCHEMA forecasting IS
    'Retail sales forecasting: stores and clusters, categories, forecast workflows, historical sales and weekly actuals.';
