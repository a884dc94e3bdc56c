-- Unified price table and its change history.

CREATE TABLE integration.price_sources (
    id             uuid                         NOT NULL DEFAULT gen_random_uuid(),
    product_id     uuid                         NOT NULL,
    size_id        uuid,
    source_type    integration.source_type_enum NOT NULL,
    price_type     integration.price_type_enum  NOT NULL,
    condition      integration.condition_enum   NOT NULL DEFAULT 'new',
    price          numeric(10,2)                NOT NULL,
    currency       char(3)                      NOT NULL DEFAULT 'EUR',
    stock_quantity integer,
    in_stock       boolean                      NOT NULL DEFAULT true,
    supplier_id    uuid,
    external_id    varchar(255),
    source_url     text,
    affiliate_link text,
    metadata       jsonb,
    last_updated   timestamptz                  NOT NULL DEFAULT now(),
    created_at     timestamptz                  NOT NULL DEFAULT now(),
    updated_at     timestamptz                  NOT NULL DEFAULT now(),
    CONSTRAINT price_sources_pkey PRIMARY KEY (id),
    CONSTRAINT price_sources_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES products.products (id) ON DELETE CASCADE,
    CONSTRAINT price_sources_size_id_fkey FOREIGN KEY (size_id)
        REFERENCES public.sizes (id) ON DELETE CASCADE,
    CONSTRAINT price_sources_supplier_id_fkey FOREIGN KEY (supplier_id)
        REFERENCES core.suppliers (id) ON DELETE SET NULL,
    CONSTRAINT price_sources_product_size_source_key
        UNIQUE NULLS NOT DISTINCT (product_id, size_id, source_type, price_type, condition),
    CONSTRAINT price_sources_price_check CHECK (price >= 0),
    CONSTRAINT price_sources_stock_quantity_check CHECK (stock_quantity >= 0)
);

CREATE INDEX ix_price_sources_size_id ON integration.price_sources (size_id);
CREATE INDEX ix_price_sources_supplier_id ON integration.price_sources (supplier_id);
CREATE INDEX ix_price_sources_source_type ON integration.price_sources (source_type, price_type);
CREATE INDEX ix_price_sources_latest
    ON integration.price_sources (product_id, size_id, source_type, last_updated DESC);
CREATE INDEX ix_price_sources_metadata ON integration.price_sources USING gin (metadata);

COMMENT ON TABLE integration.price_sources IS
    'Unified price table: the current price of a product (and size) per source, price type and condition; single source of truth for prices.';
COMMENT ON COLUMN integration.price_sources.size_id IS 'NULL when the price applies to the product regardless of size.';
COMMENT ON COLUMN integration.price_sources.last_updated IS 'When the source last reported this price.';


CREATE TABLE integration.price_history (
    id              uuid                         NOT NULL DEFAULT gen_random_uuid(),
    price_source_id uuid,
    product_id      uuid                         NOT NULL,
    size_id         uuid,
    source_type     integration.source_type_enum NOT NULL,
    price_type      integration.price_type_enum  NOT NULL,
    condition       integration.condition_enum   NOT NULL,
    old_price       numeric(10,2),
    price           numeric(10,2)                NOT NULL,
    currency        char(3)                      NOT NULL,
    in_stock        boolean,
    recorded_at     timestamptz                  NOT NULL DEFAULT now(),
    CONSTRAINT price_history_pkey PRIMARY KEY (id),
    CONSTRAINT price_history_price_source_id_fkey FOREIGN KEY (price_source_id)
        REFERENCES integration.price_sources (id) ON DELETE SET NULL,
    CONSTRAINT price_history_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES products.products (id) ON DELETE CASCADE,
    CONSTRAINT price_history_size_id_fkey FOREIGN KEY (size_id)
        REFERENCES public.sizes (id) ON DELETE CASCADE,
    CONSTRAINT price_history_old_price_check CHECK (old_price >= 0),
    CONSTRAINT price_history_price_check CHECK (price >= 0)
);

CREATE INDEX ix_price_history_price_source_id
    ON integration.price_history (price_source_id, recorded_at DESC);
CREATE INDEX ix_price_history_product_id
    ON integration.price_history (product_id, recorded_at DESC);
CREATE INDEX ix_price_history_size_id ON integration.price_history (size_id);

COMMENT ON TABLE integration.price_history IS
    'Historical price tracking: one row per change of integration.price_sources.price, written by the track_price_changes trigger.';
COMMENT ON COLUMN integration.price_history.old_price IS 'Price before the change.';
COMMENT ON COLUMN integration.price_history.price IS 'Price after the change.';
