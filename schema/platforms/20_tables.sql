-- StockX listings and orders, and platform pricing history.

CREATE TABLE platforms.stockx_listings (
    id                uuid          NOT NULL DEFAULT gen_random_uuid(),
    stockx_listing_id varchar(100)  NOT NULL,
    inventory_id      uuid,
    product_id        uuid          NOT NULL,
    status            text          NOT NULL DEFAULT 'active',
    ask_price         numeric(10,2) NOT NULL,
    currency          char(3)       NOT NULL DEFAULT 'EUR',
    listed_at         timestamptz,
    expires_at        timestamptz,
    last_synced_at    timestamptz,
    raw_data          jsonb,
    created_at        timestamptz   NOT NULL DEFAULT now(),
    updated_at        timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT stockx_listings_pkey PRIMARY KEY (id),
    CONSTRAINT stockx_listings_stockx_listing_id_key UNIQUE (stockx_listing_id),
    CONSTRAINT stockx_listings_inventory_id_fkey FOREIGN KEY (inventory_id)
        REFERENCES products.inventory (id) ON DELETE SET NULL,
    CONSTRAINT stockx_listings_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES products.products (id) ON DELETE CASCADE,
    CONSTRAINT stockx_listings_status_check
        CHECK (status IN ('active', 'inactive', 'pending', 'sold', 'expired', 'cancelled', 'deleted')),
    CONSTRAINT stockx_listings_ask_price_check CHECK (ask_price > 0)
);

CREATE INDEX ix_stockx_listings_inventory_id ON platforms.stockx_listings (inventory_id);
CREATE INDEX ix_stockx_listings_product_id ON platforms.stockx_listings (product_id);
CREATE INDEX ix_stockx_listings_status ON platforms.stockx_listings (status);
CREATE INDEX ix_stockx_listings_raw_data ON platforms.stockx_listings USING gin (raw_data);

COMMENT ON TABLE platforms.stockx_listings IS
    'Asks placed on StockX for inventory items, mirrored from the StockX API.';


CREATE TABLE platforms.stockx_orders (
    id                  uuid          NOT NULL DEFAULT gen_random_uuid(),
    stockx_order_number varchar(100)  NOT NULL,
    listing_id          uuid,
    order_id            uuid,
    status              varchar(30)   NOT NULL,
    sale_price          numeric(10,2) NOT NULL,
    transaction_fee     numeric(10,2),
    payment_fee         numeric(10,2),
    shipping_fee        numeric(10,2),
    payout              numeric(10,2),
    currency            char(3)       NOT NULL DEFAULT 'EUR',
    sold_at             timestamptz,
    shipped_at          timestamptz,
    completed_at        timestamptz,
    raw_data            jsonb,
    created_at          timestamptz   NOT NULL DEFAULT now(),
    updated_at          timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT stockx_orders_pkey PRIMARY KEY (id),
    CONSTRAINT stockx_orders_stockx_order_number_key UNIQUE (stockx_order_number),
    CONSTRAINT stockx_orders_listing_id_fkey FOREIGN KEY (listing_id)
        REFERENCES platforms.stockx_listings (id) ON DELETE SET NULL,
    CONSTRAINT stockx_orders_order_id_fkey FOREIGN KEY (order_id)
        REFERENCES transactions.orders (id) ON DELETE SET NULL,
    CONSTRAINT stockx_orders_sale_price_check CHECK (sale_price >= 0),
    CONSTRAINT stockx_orders_fees_check
        CHECK (transaction_fee >= 0 AND payment_fee >= 0 AND shipping_fee >= 0)
);

CREATE INDEX ix_stockx_orders_listing_id ON platforms.stockx_orders (listing_id);
CREATE INDEX ix_stockx_orders_order_id ON platforms.stockx_orders (order_id);
CREATE INDEX ix_stockx_orders_sold_at ON platforms.stockx_orders (sold_at DESC);
CREATE INDEX ix_stockx_orders_raw_data ON platforms.stockx_orders USING gin (raw_data);

COMMENT ON TABLE platforms.stockx_orders IS
    'StockX-specific order data as returned by StockX, linked to the unified transactions.orders row.';


CREATE TABLE platforms.pricing_history (
    id            uuid                     NOT NULL DEFAULT gen_random_uuid(),
    platform      platforms.sales_platform NOT NULL,
    product_id    uuid                     NOT NULL,
    inventory_id  uuid,
    size_id       uuid,
    price_rule_id uuid,
    old_price     numeric(10,2),
    new_price     numeric(10,2)            NOT NULL,
    currency      char(3)                  NOT NULL DEFAULT 'EUR',
    change_reason varchar(100),
    changed_at    timestamptz              NOT NULL DEFAULT now(),
    CONSTRAINT pricing_history_pkey PRIMARY KEY (id),
    CONSTRAINT pricing_history_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES products.products (id) ON DELETE CASCADE,
    CONSTRAINT pricing_history_inventory_id_fkey FOREIGN KEY (inventory_id)
        REFERENCES products.inventory (id) ON DELETE SET NULL,
    CONSTRAINT pricing_history_size_id_fkey FOREIGN KEY (size_id)
        REFERENCES public.sizes (id) ON DELETE SET NULL,
    CONSTRAINT pricing_history_price_rule_id_fkey FOREIGN KEY (price_rule_id)
        REFERENCES pricing.price_rules (id) ON DELETE SET NULL,
    CONSTRAINT pricing_history_old_price_check CHECK (old_price >= 0),
    CONSTRAINT pricing_history_new_price_check CHECK (new_price >= 0)
);

CREATE INDEX ix_pricing_history_product_id ON platforms.pricing_history (product_id, changed_at DESC);
CREATE INDEX ix_pricing_history_inventory_id ON platforms.pricing_history (inventory_id);
CREATE INDEX ix_pricing_history_size_id ON platforms.pricing_history (size_id);
CREATE INDEX ix_pricing_history_price_rule_id ON platforms.pricing_history (price_rule_id);
CREATE INDEX ix_pricing_history_platform ON platforms.pricing_history (platform, changed_at DESC);

COMMENT ON TABLE platforms.pricing_history IS
    'Listing price changes per sales platform, with the pricing rule that caused them.';
