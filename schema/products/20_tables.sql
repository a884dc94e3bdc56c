-- Product catalogue and inventory.

CREATE TABLE products.products (
    id                uuid          NOT NULL DEFAULT gen_random_uuid(),
    sku               varchar(100),
    name              varchar(255)  NOT NULL,
    brand_id          uuid,
    category_id       uuid          NOT NULL,
    description       text,
    colorway          varchar(200),
    release_date      date,
    retail_price      numeric(10,2),
    avg_resale_price  numeric(10,2),
    stockx_product_id varchar(100),
    enrichment_data   jsonb,
    last_enriched_at  timestamptz,
    created_at        timestamptz   NOT NULL DEFAULT now(),
    updated_at        timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT products_pkey PRIMARY KEY (id),
    CONSTRAINT products_brand_id_fkey FOREIGN KEY (brand_id)
        REFERENCES core.brands (id) ON DELETE SET NULL,
    CONSTRAINT products_category_id_fkey FOREIGN KEY (category_id)
        REFERENCES core.categories (id) ON DELETE RESTRICT,
    CONSTRAINT products_retail_price_check CHECK (retail_price >= 0),
    CONSTRAINT products_avg_resale_price_check CHECK (avg_resale_price >= 0)
);

-- A SKU is optional, but two products may never share one.
CREATE UNIQUE INDEX idx_products_sku_unique ON products.products (sku) WHERE sku IS NOT NULL;
CREATE UNIQUE INDEX idx_products_stockx_product_id_unique
    ON products.products (stockx_product_id) WHERE stockx_product_id IS NOT NULL;
CREATE INDEX ix_products_brand_id ON products.products (brand_id);
CREATE INDEX ix_products_category_id ON products.products (category_id);
CREATE INDEX ix_products_name ON products.products (name);
CREATE INDEX ix_products_enrichment_data ON products.products USING gin (enrichment_data);

COMMENT ON TABLE products.products IS
    'Product catalogue: one row per model/colourway, identified by an optional unique SKU.';
COMMENT ON COLUMN products.products.sku IS 'Manufacturer style code; NULL allowed, unique when present (idx_products_sku_unique).';
COMMENT ON COLUMN products.products.enrichment_data IS 'Raw attributes gathered from market data sources (StockX and others).';


CREATE TABLE products.inventory (
    id               uuid                      NOT NULL DEFAULT gen_random_uuid(),
    product_id       uuid                      NOT NULL,
    size_id          uuid                      NOT NULL,
    supplier_id      uuid,
    quantity         integer                   NOT NULL DEFAULT 1,
    purchase_price   numeric(10,2),
    purchase_date    timestamptz,
    vat_rate         numeric(5,2),
    detailed_status  products.inventory_status DEFAULT 'incoming',
    storage_location varchar(100),
    delivery_date    date,
    notes            text,
    external_ids     jsonb,
    created_at       timestamptz               NOT NULL DEFAULT now(),
    updated_at       timestamptz               NOT NULL DEFAULT now(),
    CONSTRAINT inventory_pkey PRIMARY KEY (id),
    CONSTRAINT inventory_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES products.products (id) ON DELETE RESTRICT,
    CONSTRAINT inventory_size_id_fkey FOREIGN KEY (size_id)
        REFERENCES public.sizes (id) ON DELETE RESTRICT,
    CONSTRAINT inventory_supplier_id_fkey FOREIGN KEY (supplier_id)
        REFERENCES core.suppliers (id) ON DELETE SET NULL,
    CONSTRAINT inventory_quantity_check CHECK (quantity >= 0),
    CONSTRAINT inventory_purchase_price_check CHECK (purchase_price >= 0),
    CONSTRAINT inventory_vat_rate_check CHECK (vat_rate >= 0 AND vat_rate <= 100)
);

CREATE INDEX ix_inventory_product_id ON products.inventory (product_id);
CREATE INDEX ix_inventory_size_id ON products.inventory (size_id);
CREATE INDEX ix_inventory_supplier_id ON products.inventory (supplier_id);
CREATE INDEX ix_inventory_detailed_status ON products.inventory (detailed_status);
CREATE INDEX ix_inventory_external_ids ON products.inventory USING gin (external_ids);

COMMENT ON TABLE products.inventory IS
    'Physical stock: items of a product in a given size, with purchase data and workflow status.';
COMMENT ON COLUMN products.inventory.detailed_status IS 'Workflow state (products.inventory_status).';
COMMENT ON COLUMN products.inventory.external_ids IS 'Identifiers of this item on external platforms, keyed by platform.';
