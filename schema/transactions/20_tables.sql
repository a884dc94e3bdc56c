-- Multi-platform orders and the financial transactions around them.

CREATE TABLE transactions.orders (
    id              uuid          NOT NULL DEFAULT gen_random_uuid(),
    platform_id     uuid          NOT NULL,
    inventory_id    uuid,
    external_id     varchar(100),
    status          text          NOT NULL DEFAULT 'pending',
    buyer_reference varchar(100),
    gross_sale      numeric(10,2),
    platform_fee    numeric(10,2),
    shipping_cost   numeric(10,2),
    net_proceeds    numeric(10,2),
    currency        char(3)       NOT NULL DEFAULT 'EUR',
    sold_at         timestamptz,
    shipped_at      timestamptz,
    completed_at    timestamptz,
    metadata        jsonb,
    created_at      timestamptz   NOT NULL DEFAULT now(),
    updated_at      timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT orders_pkey PRIMARY KEY (id),
    CONSTRAINT orders_platform_id_fkey FOREIGN KEY (platform_id)
        REFERENCES core.platforms (id) ON DELETE RESTRICT,
    CONSTRAINT orders_inventory_id_fkey FOREIGN KEY (inventory_id)
        REFERENCES products.inventory (id) ON DELETE RESTRICT,
    CONSTRAINT orders_status_check
        CHECK (status IN ('pending', 'confirmed', 'shipped', 'delivered', 'completed', 'cancelled', 'returned')),
    CONSTRAINT orders_gross_sale_check CHECK (gross_sale >= 0),
    CONSTRAINT orders_platform_fee_check CHECK (platform_fee >= 0),
    CONSTRAINT orders_shipping_cost_check CHECK (shipping_cost >= 0)
);

-- An order number is optional (manual sales), but unique per platform when known.
CREATE UNIQUE INDEX ux_orders_platform_external_id
    ON transactions.orders (platform_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX ix_orders_platform_id ON transactions.orders (platform_id, sold_at DESC);
CREATE INDEX ix_orders_inventory_id ON transactions.orders (inventory_id);
CREATE INDEX ix_orders_status ON transactions.orders (status);
CREATE INDEX ix_orders_sold_at ON transactions.orders (sold_at DESC);
CREATE INDEX ix_orders_buyer_reference ON transactions.orders (buyer_reference);
CREATE INDEX ix_orders_metadata ON transactions.orders USING gin (metadata);

COMMENT ON TABLE transactions.orders IS
    'Multi-platform sales orders (StockX, eBay, GOAT, ...): one sold inventory item with sale amount, fees and payout.';
COMMENT ON COLUMN transactions.orders.external_id IS 'Order number on the platform; unique per platform when present.';
COMMENT ON COLUMN transactions.orders.buyer_reference IS 'Opaque buyer handle given by the platform, used for repeat-buyer analysis.';


CREATE TABLE transactions.transactions (
    id               uuid          NOT NULL DEFAULT gen_random_uuid(),
    order_id         uuid,
    platform_id      uuid,
    transaction_type text          NOT NULL,
    status           text          NOT NULL DEFAULT 'completed',
    amount           numeric(12,2) NOT NULL,
    currency         char(3)       NOT NULL DEFAULT 'EUR',
    transaction_date timestamptz   NOT NULL,
    external_id      varchar(100),
    description      text,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT transactions_pkey PRIMARY KEY (id),
    CONSTRAINT transactions_order_id_fkey FOREIGN KEY (order_id)
        REFERENCES transactions.orders (id) ON DELETE RESTRICT,
    CONSTRAINT transactions_platform_id_fkey FOREIGN KEY (platform_id)
        REFERENCES core.platforms (id) ON DELETE RESTRICT,
    CONSTRAINT transactions_transaction_type_check
        CHECK (transaction_type IN ('sale', 'purchase', 'fee', 'payout', 'refund', 'shipping', 'adjustment')),
    CONSTRAINT transactions_status_check
        CHECK (status IN ('pending', 'completed', 'failed', 'reversed'))
);

CREATE INDEX ix_transactions_order_id ON transactions.transactions (order_id);
CREATE INDEX ix_transactions_platform_id ON transactions.transactions (platform_id);
CREATE INDEX ix_transactions_transaction_date ON transactions.transactions (transaction_date DESC);
CREATE INDEX ix_transactions_transaction_type ON transactions.transactions (transaction_type);

COMMENT ON TABLE transactions.transactions IS
    'Financial transactions (sales, purchases, fees, payouts, refunds); amount is signed, positive for money received.';
