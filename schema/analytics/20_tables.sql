-- Forecasts, their accuracy, demand patterns, market data and pricing KPIs.

CREATE TABLE analytics.sales_forecasts (
    id                uuid          NOT NULL DEFAULT gen_random_uuid(),
    product_id        uuid,
    brand_id          uuid,
    forecast_date     date          NOT NULL,
    horizon_days      integer       NOT NULL,
    predicted_units   numeric(10,2) NOT NULL,
    predicted_revenue numeric(12,2),
    confidence_lower  numeric(10,2),
    confidence_upper  numeric(10,2),
    confidence_level  numeric(3,2),
    model_name        varchar(100)  NOT NULL,
    model_version     varchar(50),
    features          jsonb,
    created_at        timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT sales_forecasts_pkey PRIMARY KEY (id),
    CONSTRAINT sales_forecasts_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES products.products (id) ON DELETE CASCADE,
    CONSTRAINT sales_forecasts_brand_id_fkey FOREIGN KEY (brand_id)
        REFERENCES core.brands (id) ON DELETE CASCADE,
    CONSTRAINT sales_forecasts_horizon_days_check CHECK (horizon_days > 0),
    CONSTRAINT sales_forecasts_predicted_units_check CHECK (predicted_units >= 0),
    CONSTRAINT sales_forecasts_predicted_revenue_check CHECK (predicted_revenue >= 0),
    CONSTRAINT sales_forecasts_confidence_interval_check CHECK (confidence_lower <= confidence_upper),
    CONSTRAINT sales_forecasts_confidence_level_check
        CHECK (confidence_level > 0 AND confidence_level < 1)
);

CREATE INDEX ix_sales_forecasts_product_id ON analytics.sales_forecasts (product_id, forecast_date);
CREATE INDEX ix_sales_forecasts_brand_id ON analytics.sales_forecasts (brand_id, forecast_date);
CREATE INDEX ix_sales_forecasts_forecast_date ON analytics.sales_forecasts (forecast_date);
CREATE INDEX ix_sales_forecasts_features ON analytics.sales_forecasts USING gin (features);

COMMENT ON TABLE analytics.sales_forecasts IS
    'Future sales predictions per product or brand, with confidence interval and the model that produced them.';


CREATE TABLE analytics.forecast_accuracy (
    id                  uuid          NOT NULL DEFAULT gen_random_uuid(),
    forecast_id         uuid          NOT NULL,
    actual_units        numeric(10,2) NOT NULL,
    actual_revenue      numeric(12,2),
    absolute_error      numeric(10,2),
    percentage_error    numeric(7,2),
    measured_at         timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT forecast_accuracy_pkey PRIMARY KEY (id),
    CONSTRAINT forecast_accuracy_forecast_id_fkey FOREIGN KEY (forecast_id)
        REFERENCES analytics.sales_forecasts (id) ON DELETE CASCADE,
    CONSTRAINT forecast_accuracy_forecast_id_key UNIQUE (forecast_id),
    CONSTRAINT forecast_accuracy_actual_units_check CHECK (actual_units >= 0),
    CONSTRAINT forecast_accuracy_absolute_error_check CHECK (absolute_error >= 0),
    CONSTRAINT forecast_accuracy_percentage_error_check CHECK (percentage_error >= 0)
);

COMMENT ON TABLE analytics.forecast_accuracy IS
    'Accuracy of a forecast once the actual outcome is known (absolute and percentage error).';


CREATE TABLE analytics.demand_patterns (
    id                 uuid         NOT NULL DEFAULT gen_random_uuid(),
    product_id         uuid         NOT NULL,
    analysis_date      date         NOT NULL,
    period_type        text         NOT NULL,
    demand_score       numeric(6,2) NOT NULL,
    sales_velocity     numeric(8,3),
    seasonality_factor numeric(5,3),
    trend_direction    text       ,
    pattern_data       jsonb,
    created_at         timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT demand_patterns_pkey PRIMARY KEY (id),
    CONSTRAINT demand_patterns_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES products.products (id) ON DELETE CASCADE,
    CONSTRAINT demand_patterns_product_period_date_key UNIQUE (product_id, period_type, analysis_date),
    CONSTRAINT demand_patterns_period_type_check CHECK (period_type IN ('daily', 'weekly', 'monthly')),
    CONSTRAINT demand_patterns_demand_score_check CHECK (demand_score >= 0 AND demand_score <= 100),
    CONSTRAINT demand_patterns_sales_velocity_check CHECK (sales_velocity >= 0),
    CONSTRAINT demand_patterns_trend_direction_check CHECK (trend_direction IN ('up', 'down', 'stable'))
);

CREATE INDEX ix_demand_patterns_analysis_date ON analytics.demand_patterns (analysis_date);
CREATE INDEX ix_demand_patterns_pattern_data ON analytics.demand_patterns USING gin (pattern_data);

COMMENT ON TABLE analytics.demand_patterns IS
    'Product demand forecasting data: demand score (0-100), velocity, seasonality and trend per period.';


CREATE TABLE analytics.marketplace_data (
    id                 uuid          NOT NULL DEFAULT gen_random_uuid(),
    product_id         uuid          NOT NULL,
    platform_id        uuid          NOT NULL,
    size_id            uuid,
    lowest_ask         numeric(10,2),
    highest_bid        numeric(10,2),
    last_sale_price    numeric(10,2),
    sales_volume_30d   integer,
    price_volatility   numeric(6,4),
    premium_percentage numeric(7,2),
    currency           char(3)       NOT NULL DEFAULT 'EUR',
    raw_data           jsonb,
    collected_at       timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT marketplace_data_pkey PRIMARY KEY (id),
    CONSTRAINT marketplace_data_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES products.products (id) ON DELETE CASCADE,
    CONSTRAINT marketplace_data_platform_id_fkey FOREIGN KEY (platform_id)
        REFERENCES core.platforms (id) ON DELETE CASCADE,
    CONSTRAINT marketplace_data_size_id_fkey FOREIGN KEY (size_id)
        REFERENCES public.sizes (id) ON DELETE CASCADE,
    CONSTRAINT marketplace_data_prices_check
        CHECK (lowest_ask >= 0 AND highest_bid >= 0 AND last_sale_price >= 0),
    CONSTRAINT marketplace_data_sales_volume_30d_check CHECK (sales_volume_30d >= 0),
    CONSTRAINT marketplace_data_price_volatility_check CHECK (price_volatility >= 0)
);

CREATE INDEX ix_marketplace_data_product_id ON analytics.marketplace_data (product_id, collected_at DESC);
CREATE INDEX ix_marketplace_data_platform_id ON analytics.marketplace_data (platform_id);
CREATE INDEX ix_marketplace_data_size_id ON analytics.marketplace_data (size_id);
CREATE INDEX ix_marketplace_data_raw_data ON analytics.marketplace_data USING gin (raw_data);

COMMENT ON TABLE analytics.marketplace_data IS
    'Multi-platform market data aggregation: asks, bids, last sale, volume and volatility per product, size and platform.';


CREATE TABLE analytics.pricing_kpis (
    id                     uuid          NOT NULL DEFAULT gen_random_uuid(),
    kpi_date               date          NOT NULL,
    brand_id               uuid,
    category_id            uuid,
    platform_id            uuid,
    items_sold             integer       NOT NULL DEFAULT 0,
    revenue                numeric(12,2) NOT NULL DEFAULT 0,
    profit                 numeric(12,2) NOT NULL DEFAULT 0,
    avg_margin_percent     numeric(7,2),
    avg_days_to_sell       numeric(7,2),
    price_accuracy_percent numeric(5,2),
    created_at             timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT pricing_kpis_pkey PRIMARY KEY (id),
    CONSTRAINT pricing_kpis_brand_id_fkey FOREIGN KEY (brand_id)
        REFERENCES core.brands (id) ON DELETE CASCADE,
    CONSTRAINT pricing_kpis_category_id_fkey FOREIGN KEY (category_id)
        REFERENCES core.categories (id) ON DELETE CASCADE,
    CONSTRAINT pricing_kpis_platform_id_fkey FOREIGN KEY (platform_id)
        REFERENCES core.platforms (id) ON DELETE CASCADE,
    CONSTRAINT pricing_kpis_date_scope_key
        UNIQUE NULLS NOT DISTINCT (kpi_date, brand_id, category_id, platform_id),
    CONSTRAINT pricing_kpis_items_sold_check CHECK (items_sold >= 0),
    CONSTRAINT pricing_kpis_revenue_check CHECK (revenue >= 0),
    CONSTRAINT pricing_kpis_avg_days_to_sell_check CHECK (avg_days_to_sell >= 0),
    CONSTRAINT pricing_kpis_price_accuracy_percent_check
        CHECK (price_accuracy_percent >= 0 AND price_accuracy_percent <= 100)
);

CREATE INDEX ix_pricing_kpis_brand_id ON analytics.pricing_kpis (brand_id);
CREATE INDEX ix_pricing_kpis_category_id ON analytics.pricing_kpis (category_id);
CREATE INDEX ix_pricing_kpis_platform_id ON analytics.pricing_kpis (platform_id);

COMMENT ON TABLE analytics.pricing_kpis IS
    'Daily pricing KPIs (items sold, revenue, profit, margin, days to sell, price accuracy) overall or per brand, category and platform.';
