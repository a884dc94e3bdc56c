-- Brand multipliers, price rules and the legacy price tables.

CREATE TABLE pricing.brand_multipliers (
    id              uuid         NOT NULL DEFAULT gen_random_uuid(),
    brand_id        uuid         NOT NULL,
    multiplier_type text         NOT NULL,
    multiplier      numeric(4,2) NOT NULL,
    effective_from  date         NOT NULL,
    effective_until date,
    is_active       boolean      NOT NULL DEFAULT true,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    updated_at      timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT brand_multipliers_pkey PRIMARY KEY (id),
    CONSTRAINT brand_multipliers_brand_id_fkey FOREIGN KEY (brand_id)
        REFERENCES core.brands (id) ON DELETE CASCADE,
    CONSTRAINT brand_multipliers_brand_type_from_key UNIQUE (brand_id, multiplier_type, effective_from),
    CONSTRAINT brand_multipliers_multiplier_type_check
        CHECK (multiplier_type IN ('premium', 'seasonal', 'demand', 'rarity')),
    CONSTRAINT brand_multipliers_multiplier_check CHECK (multiplier >= 0.10 AND multiplier <= 10.00),
    CONSTRAINT brand_multipliers_effective_check
        CHECK (effective_until IS NULL OR effective_until >= effective_from)
);

COMMENT ON TABLE pricing.brand_multipliers IS
    'Brand-specific pricing multipliers (0.10-10.00) valid over a date range.';


CREATE TABLE pricing.price_rules (
    id                       uuid         NOT NULL DEFAULT gen_random_uuid(),
    name                     varchar(100) NOT NULL,
    rule_type                text         NOT NULL,
    priority                 integer      NOT NULL DEFAULT 100,
    brand_id                 uuid,
    category_id              uuid,
    platform_id              uuid,
    base_markup_percent      numeric(6,2),
    minimum_margin_percent   numeric(5,2),
    maximum_discount_percent numeric(5,2),
    conditions               jsonb,
    is_active                boolean      NOT NULL DEFAULT true,
    effective_from           date,
    effective_until          date,
    created_at               timestamptz  NOT NULL DEFAULT now(),
    updated_at               timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT price_rules_pkey PRIMARY KEY (id),
    CONSTRAINT price_rules_name_key UNIQUE (name),
    CONSTRAINT price_rules_brand_id_fkey FOREIGN KEY (brand_id)
        REFERENCES core.brands (id) ON DELETE CASCADE,
    CONSTRAINT price_rules_category_id_fkey FOREIGN KEY (category_id)
        REFERENCES core.categories (id) ON DELETE CASCADE,
    CONSTRAINT price_rules_platform_id_fkey FOREIGN KEY (platform_id)
        REFERENCES core.platforms (id) ON DELETE CASCADE,
    CONSTRAINT price_rules_rule_type_check
        CHECK (rule_type IN ('cost_plus', 'market_based', 'competitive', 'dynamic')),
    CONSTRAINT price_rules_base_markup_percent_check CHECK (base_markup_percent >= 0),
    CONSTRAINT price_rules_minimum_margin_percent_check
        CHECK (minimum_margin_percent >= 0 AND minimum_margin_percent <= 100),
    CONSTRAINT price_rules_maximum_discount_percent_check
        CHECK (maximum_discount_percent >= 0 AND maximum_discount_percent <= 100),
    CONSTRAINT price_rules_effective_check
        CHECK (effective_until IS NULL OR effective_from IS NULL OR effective_until >= effective_from)
);

CREATE INDEX ix_price_rules_brand_id ON pricing.price_rules (brand_id);
CREATE INDEX ix_price_rules_category_id ON pricing.price_rules (category_id);
CREATE INDEX ix_price_rules_platform_id ON pricing.price_rules (platform_id);
CREATE INDEX ix_price_rules_active_priority ON pricing.price_rules (priority) WHERE is_active;
CREATE INDEX ix_price_rules_conditions ON pricing.price_rules USING gin (conditions);

COMMENT ON TABLE pricing.price_rules IS
    'Smart pricing rules (cost plus, market based, ...) scoped by brand, category and/or platform, applied by priority.';


CREATE TABLE pricing.price_history (
    id           uuid          NOT NULL DEFAULT gen_random_uuid(),
    product_id   uuid          NOT NULL,
    inventory_id uuid,
    price_date   date          NOT NULL,
    price_type   text          NOT NULL,
    price        numeric(10,2) NOT NULL,
    currency     char(3)       NOT NULL DEFAULT 'EUR',
    source       varchar(50),
    created_at   timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT price_history_pkey PRIMARY KEY (id),
    CONSTRAINT price_history_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES products.products (id) ON DELETE CASCADE,
    CONSTRAINT price_history_inventory_id_fkey FOREIGN KEY (inventory_id)
        REFERENCES products.inventory (id) ON DELETE SET NULL,
    CONSTRAINT price_history_price_type_check
        CHECK (price_type IN ('list', 'sale', 'market', 'cost')),
    CONSTRAINT price_history_price_check CHECK (price >= 0)
);

CREATE INDEX ix_price_history_product_id ON pricing.price_history (product_id, price_date DESC);
CREATE INDEX ix_price_history_inventory_id ON pricing.price_history (inventory_id);

COMMENT ON TABLE pricing.price_history IS
    'Legacy price history of the pricing engine; superseded by integration.price_history and kept until migrated.';


CREATE TABLE pricing.market_prices (
    id              uuid          NOT NULL DEFAULT gen_random_uuid(),
    product_id      uuid          NOT NULL,
    platform_id     uuid          NOT NULL,
    size_id         uuid,
    price_date      date          NOT NULL,
    lowest_ask      numeric(10,2),
    highest_bid     numeric(10,2),
    last_sale_price numeric(10,2),
    sales_volume    integer,
    currency        char(3)       NOT NULL DEFAULT 'EUR',
    created_at      timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT market_prices_pkey PRIMARY KEY (id),
    CONSTRAINT market_prices_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES products.products (id) ON DELETE CASCADE,
    CONSTRAINT market_prices_platform_id_fkey FOREIGN KEY (platform_id)
        REFERENCES core.platforms (id) ON DELETE CASCADE,
    CONSTRAINT market_prices_size_id_fkey FOREIGN KEY (size_id)
        REFERENCES public.sizes (id) ON DELETE CASCADE,
    CONSTRAINT market_prices_prices_check
        CHECK (lowest_ask >= 0 AND highest_bid >= 0 AND last_sale_price >= 0),
    CONSTRAINT market_prices_sales_volume_check CHECK (sales_volume >= 0)
);

CREATE INDEX ix_market_prices_product_id ON pricing.market_prices (product_id, price_date DESC);
CREATE INDEX ix_market_prices_platform_id ON pricing.market_prices (platform_id);
CREATE INDEX ix_market_prices_size_id ON pricing.market_prices (size_id);

COMMENT ON TABLE pricing.market_prices IS
    'Legacy daily market prices per platform used by the pricing engine; superseded by integration.price_sources and kept until migrated.';
