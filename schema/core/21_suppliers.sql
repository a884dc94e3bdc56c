-- Suppliers, their buying accounts, and purchase/performance history.

CREATE TABLE core.suppliers (
    id               uuid         NOT NULL DEFAULT gen_random_uuid(),
    name             varchar(150) NOT NULL,
    slug             varchar(150) NOT NULL,
    supplier_type    text         NOT NULL DEFAULT 'retail',
    contact_email    varchar(255),
    website_url      varchar(500),
    country_code     char(2),
    default_currency char(3)      NOT NULL DEFAULT 'EUR',
    notes            text,
    is_active        boolean      NOT NULL DEFAULT true,
    created_at       timestamptz  NOT NULL DEFAULT now(),
    updated_at       timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT suppliers_pkey PRIMARY KEY (id),
    CONSTRAINT suppliers_name_key UNIQUE (name),
    CONSTRAINT suppliers_slug_key UNIQUE (slug),
    CONSTRAINT suppliers_supplier_type_check
        CHECK (supplier_type IN ('retail', 'outlet', 'wholesale', 'marketplace', 'private', 'other'))
);

COMMENT ON TABLE core.suppliers IS
    'Supplier master data: shops, outlets, wholesalers and private sellers stock is bought from.';


CREATE TABLE core.supplier_accounts (
    id               uuid          NOT NULL DEFAULT gen_random_uuid(),
    supplier_id      uuid          NOT NULL,
    email            varchar(255)  NOT NULL,
    first_name       varchar(100),
    last_name        varchar(100),
    account_status   text          NOT NULL DEFAULT 'active',
    total_purchases  integer       NOT NULL DEFAULT 0,
    total_spent      numeric(12,2) NOT NULL DEFAULT 0,
    success_rate     numeric(5,2),
    last_used_at     timestamptz,
    notes            text,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    updated_at       timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT supplier_accounts_pkey PRIMARY KEY (id),
    CONSTRAINT supplier_accounts_supplier_id_fkey FOREIGN KEY (supplier_id)
        REFERENCES core.suppliers (id) ON DELETE CASCADE,
    CONSTRAINT supplier_accounts_supplier_email_key UNIQUE (supplier_id, email),
    CONSTRAINT supplier_accounts_account_status_check
        CHECK (account_status IN ('active', 'suspended', 'banned', 'closed')),
    CONSTRAINT supplier_accounts_total_purchases_check CHECK (total_purchases >= 0),
    CONSTRAINT supplier_accounts_total_spent_check CHECK (total_spent >= 0),
    CONSTRAINT supplier_accounts_success_rate_check
        CHECK (success_rate >= 0 AND success_rate <= 100)
);

COMMENT ON TABLE core.supplier_accounts IS
    'Customer accounts held at a supplier (used for raffles and purchases); no credentials are stored here.';


CREATE TABLE core.supplier_history (
    id          uuid          NOT NULL DEFAULT gen_random_uuid(),
    supplier_id uuid          NOT NULL,
    product_id  uuid,
    old_price   numeric(10,2),
    new_price   numeric(10,2) NOT NULL,
    currency    char(3)       NOT NULL DEFAULT 'EUR',
    notes       text,
    recorded_at timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT supplier_history_pkey PRIMARY KEY (id),
    CONSTRAINT supplier_history_supplier_id_fkey FOREIGN KEY (supplier_id)
        REFERENCES core.suppliers (id) ON DELETE CASCADE,
    CONSTRAINT supplier_history_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES products.products (id) ON DELETE SET NULL,
    CONSTRAINT supplier_history_old_price_check CHECK (old_price >= 0),
    CONSTRAINT supplier_history_new_price_check CHECK (new_price >= 0)
);

CREATE INDEX ix_supplier_history_supplier_id ON core.supplier_history (supplier_id, recorded_at DESC);
CREATE INDEX ix_supplier_history_product_id ON core.supplier_history (product_id);

COMMENT ON TABLE core.supplier_history IS
    'Price changes observed at a supplier, optionally tied to a catalogue product.';


CREATE TABLE core.supplier_performance (
    id                  uuid         NOT NULL DEFAULT gen_random_uuid(),
    supplier_id         uuid         NOT NULL,
    period_start        date         NOT NULL,
    period_end          date         NOT NULL,
    total_orders        integer      NOT NULL DEFAULT 0,
    on_time_deliveries  integer      NOT NULL DEFAULT 0,
    avg_delivery_days   numeric(5,2),
    return_rate         numeric(5,2),
    rating              numeric(3,2),
    created_at          timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT supplier_performance_pkey PRIMARY KEY (id),
    CONSTRAINT supplier_performance_supplier_id_fkey FOREIGN KEY (supplier_id)
        REFERENCES core.suppliers (id) ON DELETE CASCADE,
    CONSTRAINT supplier_performance_supplier_period_key UNIQUE (supplier_id, period_start),
    CONSTRAINT supplier_performance_period_check CHECK (period_end >= period_start),
    CONSTRAINT supplier_performance_total_orders_check CHECK (total_orders >= 0),
    CONSTRAINT supplier_performance_on_time_check
        CHECK (on_time_deliveries >= 0 AND on_time_deliveries <= total_orders),
    CONSTRAINT supplier_performance_avg_delivery_days_check CHECK (avg_delivery_days >= 0),
    CONSTRAINT supplier_performance_return_rate_check
        CHECK (return_rate >= 0 AND return_rate <= 100),
    CONSTRAINT supplier_performance_rating_check CHECK (rating >= 0 AND rating <= 5)
);

COMMENT ON TABLE core.supplier_performance IS
    'Per-period supplier metrics: order count, punctuality, delivery time, return rate and a 0-5 rating.';


CREATE TABLE core.account_purchase_history (
    id              uuid          NOT NULL DEFAULT gen_random_uuid(),
    account_id      uuid          NOT NULL,
    product_id      uuid,
    order_reference varchar(100),
    purchase_date   timestamptz   NOT NULL,
    purchase_amount numeric(10,2) NOT NULL,
    currency        char(3)       NOT NULL DEFAULT 'EUR',
    status          text          NOT NULL DEFAULT 'pending',
    notes           text,
    created_at      timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT account_purchase_history_pkey PRIMARY KEY (id),
    CONSTRAINT account_purchase_history_account_id_fkey FOREIGN KEY (account_id)
        REFERENCES core.supplier_accounts (id) ON DELETE CASCADE,
    CONSTRAINT account_purchase_history_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES products.products (id) ON DELETE SET NULL,
    CONSTRAINT account_purchase_history_purchase_amount_check CHECK (purchase_amount >= 0),
    CONSTRAINT account_purchase_history_status_check
        CHECK (status IN ('pending', 'success', 'failed', 'cancelled', 'returned'))
);

CREATE INDEX ix_account_purchase_history_account_id
    ON core.account_purchase_history (account_id, purchase_date DESC);
CREATE INDEX ix_account_purchase_history_product_id
    ON core.account_purchase_history (product_id);

COMMENT ON TABLE core.account_purchase_history IS
    'Purchases made through a supplier account, with amount, outcome and the product bought.';
