-- Identifiers are UUIDs stored as strings, as in the application models.

CREATE TABLE aggregator.brands (
    id          varchar     NOT NULL DEFAULT gen_random_uuid()::text,
    name        varchar     NOT NULL,
    website_url varchar,
    logo_url    varchar,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT brands_pkey PRIMARY KEY (id),
    CONSTRAINT brands_name_key UNIQUE (name)
);

COMMENT ON TABLE aggregator.brands IS
    'Cannabis brands whose products are sold by the dispensaries.';


CREATE TABLE aggregator.dispensaries (
    id              varchar          NOT NULL DEFAULT gen_random_uuid()::text,
    name            varchar          NOT NULL,
    slug            varchar          NOT NULL,
    address         varchar,
    city            varchar,
    state           varchar          NOT NULL DEFAULT 'UT',
    zip_code        varchar,
    phone           varchar,
    website_url     varchar,
    menu_url        varchar,
    latitude        double precision,
    longitude       double precision,
    is_medical      boolean          NOT NULL DEFAULT true,
    is_active       boolean          NOT NULL DEFAULT true,
    last_scraped_at timestamptz,
    created_at      timestamptz      NOT NULL DEFAULT now(),
    updated_at      timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT dispensaries_pkey PRIMARY KEY (id),
    CONSTRAINT dispensaries_slug_key UNIQUE (slug),
    CONSTRAINT dispensaries_latitude_check CHECK (latitude >= -90 AND latitude <= 90),
    CONSTRAINT dispensaries_longitude_check CHECK (longitude >= -180 AND longitude <= 180)
);

COMMENT ON TABLE aggregator.dispensaries IS
    'Dispensaries whose menus are scraped for prices and promotions.';


CREATE TABLE aggregator.users (
    id              varchar     NOT NULL DEFAULT gen_random_uuid()::text,
    email           varchar     NOT NULL,
    hashed_password varchar,
    display_name    varchar,
    is_active       boolean     NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_email_key UNIQUE (email)
);

COMMENT ON TABLE aggregator.users IS
    'Registered users of the aggregator, authors of reviews; NULL hashed_password means no password login.';


CREATE TABLE aggregator.products (
    id                       varchar          NOT NULL DEFAULT gen_random_uuid()::text,
    name                     varchar          NOT NULL,
    brand_id                 varchar,
    category                 varchar,
    strain_type              text   ,
    thc                      double precision,
    cbd                      double precision,
    potency_unit             text             NOT NULL DEFAULT 'percent',
    weight_grams             double precision,
    description              varchar,
    image_url                varchar,
    master_product_id        varchar,
    normalization_confidence double precision NOT NULL DEFAULT 1.0,
    is_master                boolean          NOT NULL DEFAULT true,
    created_at               timestamptz      NOT NULL DEFAULT now(),
    updated_at               timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT products_pkey PRIMARY KEY (id),
    CONSTRAINT products_brand_id_fkey FOREIGN KEY (brand_id)
        REFERENCES aggregator.brands (id) ON DELETE SET NULL,
    CONSTRAINT products_master_product_id_fkey FOREIGN KEY (master_product_id)
        REFERENCES aggregator.products (id) ON DELETE SET NULL,
    CONSTRAINT products_normalization_confidence_check
        CHECK (normalization_confidence >= 0.0 AND normalization_confidence <= 1.0),
    CONSTRAINT products_strain_type_check
        CHECK (strain_type IN ('indica', 'sativa', 'hybrid', 'cbd')),
    CONSTRAINT products_potency_unit_check CHECK (potency_unit IN ('percent', 'mg')),
    CONSTRAINT products_thc_check CHECK (thc >= 0),
    CONSTRAINT products_cbd_check CHECK (cbd >= 0),
    CONSTRAINT products_weight_grams_check CHECK (weight_grams > 0),
    CONSTRAINT products_master_not_self_check CHECK (master_product_id <> id)
);

CREATE INDEX ix_products_name ON aggregator.products (name);
CREATE INDEX ix_products_brand_id ON aggregator.products (brand_id);
CREATE INDEX ix_products_master_product_id ON aggregator.products (master_product_id);

COMMENT ON TABLE aggregator.products IS
    'Products as sold by dispensaries; duplicates found by normalisation point to their canonical (master) product.';
COMMENT ON COLUMN aggregator.products.master_product_id IS 'Canonical product this entry duplicates; NULL for a master entry.';
COMMENT ON COLUMN aggregator.products.normalization_confidence IS 'Confidence of the normalisation match, 0.0 to 1.0 (above 0.9 auto-merge, 0.6-0.9 review, below 0.6 new product).';
COMMENT ON COLUMN aggregator.products.is_master IS 'True when this row is the canonical entry.';


CREATE TABLE aggregator.prices (
    id             varchar       NOT NULL DEFAULT gen_random_uuid()::text,
    product_id     varchar       NOT NULL,
    dispensary_id  varchar       NOT NULL,
    price          numeric(10,2) NOT NULL,
    original_price numeric(10,2),
    in_stock       boolean       NOT NULL DEFAULT true,
    scraped_at     timestamptz   NOT NULL DEFAULT now(),
    created_at     timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT prices_pkey PRIMARY KEY (id),
    CONSTRAINT prices_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES aggregator.products (id) ON DELETE CASCADE,
    CONSTRAINT prices_dispensary_id_fkey FOREIGN KEY (dispensary_id)
        REFERENCES aggregator.dispensaries (id) ON DELETE CASCADE,
    CONSTRAINT prices_price_check CHECK (price >= 0),
    CONSTRAINT prices_original_price_check CHECK (original_price >= 0)
);

CREATE INDEX ix_prices_product_id ON aggregator.prices (product_id);
CREATE INDEX ix_prices_dispensary_id ON aggregator.prices (dispensary_id);
CREATE INDEX ix_prices_scraped_at ON aggregator.prices (scraped_at DESC);

COMMENT ON TABLE aggregator.prices IS
    'Prices scraped from dispensary menus, one row per product, dispensary and scrape.';


CREATE TABLE aggregator.reviews (
    id         varchar     NOT NULL DEFAULT gen_random_uuid()::text,
    product_id varchar     NOT NULL,
    user_id    varchar     NOT NULL,
    rating     integer     NOT NULL,
    comment    varchar,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT reviews_pkey PRIMARY KEY (id),
    CONSTRAINT reviews_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES aggregator.products (id) ON DELETE CASCADE,
    CONSTRAINT reviews_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES aggregator.users (id) ON DELETE CASCADE,
    CONSTRAINT reviews_user_product_key UNIQUE (user_id, product_id),
    CONSTRAINT reviews_rating_check CHECK (rating >= 1 AND rating <= 5)
);

CREATE INDEX ix_reviews_product_id ON aggregator.reviews (product_id);
CREATE INDEX ix_reviews_user_id ON aggregator.reviews (user_id); -- canon: lint-ignore duplicate-index: seed 000 defines it

COMMENT ON TABLE aggregator.reviews IS
    'User reviews of products: a 1-5 rating and a comment, one review per user and product.';


CREATE TABLE aggregator.promotions (
    id                  varchar          NOT NULL DEFAULT gen_random_uuid()::text,
    title               varchar          NOT NULL,
    description         varchar,
    discount_percentage double precision,
    discount_amount     double precision,
    dispensary_id       varchar          NOT NULL,
    product_id          varchar,
    applies_to_category varchar,
    is_recurring        boolean          NOT NULL DEFAULT false,
    recurring_pattern   text   ,
    recurring_day       text   ,
    start_date          timestamptz      NOT NULL,
    end_date            timestamptz,
    is_active           boolean          NOT NULL DEFAULT true,
    created_at          timestamptz      NOT NULL DEFAULT now(),
    updated_at          timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT promotions_pkey PRIMARY KEY (id),
    CONSTRAINT promotions_dispensary_id_fkey FOREIGN KEY (dispensary_id)
        REFERENCES aggregator.dispensaries (id) ON DELETE CASCADE,
    CONSTRAINT promotions_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES aggregator.products (id) ON DELETE CASCADE,
    CONSTRAINT promotions_discount_percentage_check
        CHECK (discount_percentage >= 0 AND discount_percentage <= 100),
    CONSTRAINT promotions_discount_amount_check CHECK (discount_amount >= 0),
    CONSTRAINT promotions_recurring_pattern_check
        CHECK (recurring_pattern IN ('daily', 'weekly', 'monthly')),
    CONSTRAINT promotions_recurring_day_check
        CHECK (recurring_day IN ('monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday')),
    CONSTRAINT promotions_recurrence_check
        CHECK (NOT is_recurring OR recurring_pattern IS NOT NULL),
    CONSTRAINT promotions_date_order_check CHECK (end_date IS NULL OR end_date >= start_date)
);

CREATE INDEX ix_promotions_dispensary_id ON aggregator.promotions (dispensary_id);
CREATE INDEX ix_promotions_product_id ON aggregator.promotions (product_id);
CREATE INDEX ix_promotions_active_dates ON aggregator.promotions (start_date, end_date) WHERE is_active;

COMMENT ON TABLE aggregator.promotions IS
    'Recurring and one-time promotional offers of a dispensary (for example "Medical Monday 15% off"), for one product or a whole category.';
COMMENT ON COLUMN aggregator.promotions.discount_percentage IS 'Discount in percent, 0 to 100.';
COMMENT ON COLUMN aggregator.promotions.discount_amount IS 'Fixed discount amount in dollars, not negative.';
COMMENT ON COLUMN aggregator.promotions.product_id IS 'NULL means the promotion applies to applies_to_category.';
COMMENT ON COLUMN aggregator.promotions.end_date IS 'NULL means no end date; otherwise not before start_date.';


CREATE TABLE aggregator.scraper_flags (
    id                 varchar          NOT NULL DEFAULT gen_random_uuid()::text,
    original_name      varchar          NOT NULL,
    original_thc       double precision,
    original_cbd       double precision,
    brand_name         varchar          NOT NULL,
    dispensary_id      varchar          NOT NULL,
    matched_product_id varchar,
    confidence_score   double precision NOT NULL,
    status             text             NOT NULL DEFAULT 'pending',
    merge_reason       varchar,
    admin_notes        varchar,
    resolved_at        timestamptz,
    resolved_by        varchar,
    created_at         timestamptz      NOT NULL DEFAULT now(),
    updated_at         timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT scraper_flags_pkey PRIMARY KEY (id),
    CONSTRAINT scraper_flags_dispensary_id_fkey FOREIGN KEY (dispensary_id)
        REFERENCES aggregator.dispensaries (id) ON DELETE CASCADE,
    CONSTRAINT scraper_flags_matched_product_id_fkey FOREIGN KEY (matched_product_id)
        REFERENCES aggregator.products (id) ON DELETE SET NULL,
    CONSTRAINT scraper_flags_confidence_score_check
        CHECK (confidence_score >= 0.0 AND confidence_score <= 1.0),
    CONSTRAINT scraper_flags_status_check
        CHECK (status IN ('pending', 'approved', 'rejected', 'merged'))
);

CREATE INDEX ix_scraper_flags_status ON aggregator.scraper_flags (status);
CREATE INDEX ix_scraper_flags_dispensary_id ON aggregator.scraper_flags (dispensary_id);
CREATE INDEX ix_scraper_flags_matched_product_id ON aggregator.scraper_flags (matched_product_id);

COMMENT ON TABLE aggregator.scraper_flags IS
    'Review queue for scraped products whose match to a known product has low confidence (0-1); resolved by an admin.';
COMMENT ON COLUMN aggregator.scraper_flags.confidence_score IS 'Match confidence, 0.0 to 1.0.';
