-- Legacy market prices from import feeds (to be folded into price_sources).

CREATE TABLE integration.market_prices (
    id              uuid                         NOT NULL DEFAULT gen_random_uuid(),
    product_id      uuid                         NOT NULL,
    size_id         uuid,
    source_type     integration.source_type_enum NOT NULL,
    import_batch_id uuid,
    lowest_ask      numeric(10,2),
    highest_bid     numeric(10,2),
    last_sale_price numeric(10,2),
    currency        char(3)                      NOT NULL DEFAULT 'EUR',
    recorded_at     timestamptz                  NOT NULL DEFAULT now(),
    CONSTRAINT market_prices_pkey PRIMARY KEY (id),
    CONSTRAINT market_prices_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES products.products (id) ON DELETE CASCADE,
    CONSTRAINT market_prices_size_id_fkey FOREIGN KEY (size_id)
        REFERENCES public.sizes (id) ON DELETE CASCADE,
    CONSTRAINT market_prices_import_batch_id_fkey FOREIGN KEY (import_batch_id)
        REFERENCES integration.import_batches (id) ON DELETE SET NULL,
    CONSTRAINT market_prices_prices_check
        CHECK (lowest_ask >= 0 AND highest_bid >= 0 AND last_sale_price >= 0)
);

CREATE INDEX ix_market_prices_product_id ON integration.market_prices (product_id, recorded_at DESC);
CREATE INDEX ix_market_prices_size_id ON integration.market_prices (size_id);
CREATE INDEX ix_market_prices_import_batch_id ON integration.market_prices (import_batch_id);

COMMENT ON TABLE integration.market_prices IS
    'Legacy market price snapshots from import feeds; superseded by integration.price_sources and kept until migrated.';
