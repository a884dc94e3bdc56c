-- AWIN affiliate feed products, their prices over time, and StockX enrichment jobs.

CREATE TABLE integration.awin_products (
    id                 uuid          NOT NULL DEFAULT gen_random_uuid(),
    aw_product_id      varchar(100)  NOT NULL,
    merchant_id        integer       NOT NULL,
    merchant_name      varchar(255),
    product_name       varchar(500)  NOT NULL,
    brand_name         varchar(200),
    brand_id           uuid,
    ean                varchar(14),
    mpn                varchar(100),
    size               varchar(20),
    size_id            uuid,
    colour             varchar(100),
    retail_price       numeric(10,2),
    sale_price         numeric(10,2),
    currency           char(3)       NOT NULL DEFAULT 'EUR',
    in_stock           boolean       NOT NULL DEFAULT true,
    stock_quantity     integer,
    image_url          text,
    affiliate_link     text,
    matched_product_id uuid,
    match_confidence   numeric(3,2),
    enrichment_status  text          NOT NULL DEFAULT 'pending',
    raw_data           jsonb,
    last_updated       timestamptz   NOT NULL DEFAULT now(),
    created_at         timestamptz   NOT NULL DEFAULT now(),
    updated_at         timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT awin_products_pkey PRIMARY KEY (id),
    CONSTRAINT awin_products_aw_product_id_key UNIQUE (aw_product_id),
    CONSTRAINT awin_products_brand_id_fkey FOREIGN KEY (brand_id)
        REFERENCES core.brands (id) ON DELETE SET NULL,
    CONSTRAINT awin_products_size_id_fkey FOREIGN KEY (size_id)
        REFERENCES public.sizes (id) ON DELETE SET NULL,
    CONSTRAINT awin_products_matched_product_id_fkey FOREIGN KEY (matched_product_id)
        REFERENCES products.products (id) ON DELETE SET NULL,
    CONSTRAINT awin_products_retail_price_check CHECK (retail_price >= 0),
    CONSTRAINT awin_products_sale_price_check CHECK (sale_price >= 0),
    CONSTRAINT awin_products_stock_quantity_check CHECK (stock_quantity >= 0),
    CONSTRAINT awin_products_match_confidence_check
        CHECK (match_confidence >= 0 AND match_confidence <= 1),
    CONSTRAINT awin_products_enrichment_status_check
        CHECK (enrichment_status IN ('pending', 'matched', 'not_found', 'error'))
);

CREATE INDEX ix_awin_products_brand_id ON integration.awin_products (brand_id);
CREATE INDEX ix_awin_products_size_id ON integration.awin_products (size_id);
CREATE INDEX ix_awin_products_matched_product_id ON integration.awin_products (matched_product_id);
CREATE INDEX ix_awin_products_ean ON integration.awin_products (ean);
CREATE INDEX ix_awin_products_merchant_id ON integration.awin_products (merchant_id);
CREATE INDEX ix_awin_products_enrichment_status ON integration.awin_products (enrichment_status);
CREATE INDEX ix_awin_products_raw_data ON integration.awin_products USING gin (raw_data);

COMMENT ON TABLE integration.awin_products IS
    'Products from AWIN affiliate feeds (retail offers), optionally matched to a catalogue product for arbitrage analysis.';
COMMENT ON COLUMN integration.awin_products.aw_product_id IS 'AWIN product identifier from the feed.';
COMMENT ON COLUMN integration.awin_products.match_confidence IS 'Confidence of the catalogue match, 0 to 1.';


CREATE TABLE integration.awin_price_history (
    id              uuid          NOT NULL DEFAULT gen_random_uuid(),
    awin_product_id uuid          NOT NULL,
    retail_price    numeric(10,2),
    sale_price      numeric(10,2),
    in_stock        boolean,
    stock_quantity  integer,
    recorded_at     timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT awin_price_history_pkey PRIMARY KEY (id),
    CONSTRAINT awin_price_history_awin_product_id_fkey FOREIGN KEY (awin_product_id)
        REFERENCES integration.awin_products (id) ON DELETE CASCADE,
    CONSTRAINT awin_price_history_retail_price_check CHECK (retail_price >= 0),
    CONSTRAINT awin_price_history_sale_price_check CHECK (sale_price >= 0)
);

CREATE INDEX ix_awin_price_history_awin_product_id
    ON integration.awin_price_history (awin_product_id, recorded_at DESC);

COMMENT ON TABLE integration.awin_price_history IS
    'Price and stock snapshots of AWIN feed products over time.';


CREATE TABLE integration.awin_enrichment_jobs (
    id                 uuid        NOT NULL DEFAULT gen_random_uuid(),
    status             text        NOT NULL DEFAULT 'pending',
    total_products     integer     NOT NULL DEFAULT 0,
    processed_products integer     NOT NULL DEFAULT 0,
    matched_products   integer     NOT NULL DEFAULT 0,
    failed_products    integer     NOT NULL DEFAULT 0,
    results            jsonb,
    error_message      text,
    created_by         uuid,
    started_at         timestamptz,
    completed_at       timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT awin_enrichment_jobs_pkey PRIMARY KEY (id),
    CONSTRAINT awin_enrichment_jobs_created_by_fkey FOREIGN KEY (created_by)
        REFERENCES auth.users (id) ON DELETE SET NULL,
    CONSTRAINT awin_enrichment_jobs_status_check
        CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
    CONSTRAINT awin_enrichment_jobs_counts_check
        CHECK (total_products >= 0 AND processed_products >= 0
               AND matched_products >= 0 AND failed_products >= 0),
    CONSTRAINT awin_enrichment_jobs_completed_after_started_check
        CHECK (completed_at >= started_at)
);

CREATE INDEX ix_awin_enrichment_jobs_created_by ON integration.awin_enrichment_jobs (created_by);
CREATE INDEX ix_awin_enrichment_jobs_status ON integration.awin_enrichment_jobs (status, created_at DESC);
CREATE INDEX ix_awin_enrichment_jobs_results ON integration.awin_enrichment_jobs USING gin (results);

COMMENT ON TABLE integration.awin_enrichment_jobs IS
    'Runs that enrich AWIN feed products with StockX market data, with progress counters.';
