-- Brands, brand name patterns, categories and sales platforms.

CREATE TABLE core.brands (
    id          uuid         NOT NULL DEFAULT gen_random_uuid(),
    name        varchar(100) NOT NULL,
    slug        varchar(100) NOT NULL,
    description text,
    website_url varchar(500),
    is_active   boolean      NOT NULL DEFAULT true,
    created_at  timestamptz  NOT NULL DEFAULT now(),
    updated_at  timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT brands_pkey PRIMARY KEY (id),
    CONSTRAINT brands_name_key UNIQUE (name),
    CONSTRAINT brands_slug_key UNIQUE (slug)
);

COMMENT ON TABLE core.brands IS
    'Sneaker brands (Nike, Adidas, Jordan, ...); the slug is the natural key used by reference data.';
COMMENT ON COLUMN core.brands.slug IS 'URL-safe lower-case identifier, stable across environments.';


CREATE TABLE core.brand_patterns (
    id           uuid         NOT NULL DEFAULT gen_random_uuid(),
    brand_id     uuid         NOT NULL,
    pattern      varchar(255) NOT NULL,
    pattern_type text         NOT NULL DEFAULT 'contains',
    priority     integer      NOT NULL DEFAULT 0,
    is_active    boolean      NOT NULL DEFAULT true,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT brand_patterns_pkey PRIMARY KEY (id),
    CONSTRAINT brand_patterns_brand_id_fkey FOREIGN KEY (brand_id)
        REFERENCES core.brands (id) ON DELETE CASCADE,
    CONSTRAINT brand_patterns_brand_pattern_key UNIQUE (brand_id, pattern),
    CONSTRAINT brand_patterns_pattern_type_check
        CHECK (pattern_type IN ('exact', 'prefix', 'contains', 'regex'))
);

CREATE INDEX ix_brand_patterns_priority ON core.brand_patterns (priority DESC);

COMMENT ON TABLE core.brand_patterns IS
    'Rules that recognise a brand inside free-text product titles from feeds and imports, tried by descending priority.';


CREATE TABLE core.categories (
    id          uuid         NOT NULL DEFAULT gen_random_uuid(),
    name        varchar(100) NOT NULL,
    slug        varchar(100) NOT NULL,
    parent_id   uuid,
    description text,
    is_active   boolean      NOT NULL DEFAULT true,
    created_at  timestamptz  NOT NULL DEFAULT now(),
    updated_at  timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT categories_pkey PRIMARY KEY (id),
    CONSTRAINT categories_slug_key UNIQUE (slug),
    CONSTRAINT categories_parent_id_fkey FOREIGN KEY (parent_id)
        REFERENCES core.categories (id) ON DELETE SET NULL,
    CONSTRAINT categories_not_own_parent_check CHECK (parent_id <> id)
);

CREATE INDEX ix_categories_parent_id ON core.categories (parent_id);

COMMENT ON TABLE core.categories IS
    'Product categories (for example Sneakers); optional parent link for sub-categories.';


CREATE TABLE core.platforms (
    id             uuid         NOT NULL DEFAULT gen_random_uuid(),
    name           varchar(100) NOT NULL,
    slug           varchar(100) NOT NULL,
    fee_percentage numeric(5,2),
    website_url    varchar(500),
    is_active      boolean      NOT NULL DEFAULT true,
    created_at     timestamptz  NOT NULL DEFAULT now(),
    updated_at     timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT platforms_pkey PRIMARY KEY (id),
    CONSTRAINT platforms_name_key UNIQUE (name),
    CONSTRAINT platforms_slug_key UNIQUE (slug),
    CONSTRAINT platforms_fee_percentage_check
        CHECK (fee_percentage >= 0 AND fee_percentage <= 100)
);

COMMENT ON TABLE core.platforms IS
    'Sales platforms the business sells on (StockX, eBay, GOAT, ...).';
COMMENT ON COLUMN core.platforms.fee_percentage IS 'Typical seller fee in percent of the sale price (0-100), NULL when unknown.';
