-- Multi-tenant pricing: base prices per brand and product group (shared by all tenants).

CREATE TABLE public.brand_groups (
    id                    serial                   NOT NULL, -- canon: lint-ignore serial-column: seed 001 defines id SERIAL
    brand                 varchar(100)             NOT NULL,
    group_name            varchar(50)              NOT NULL,
    base_price            numeric(10,2)            NOT NULL,
    expected_origins      jsonb                    NOT NULL DEFAULT '[]'::jsonb,
    expected_decades      jsonb                    NOT NULL DEFAULT '[]'::jsonb,
    expected_trends       jsonb                    NOT NULL DEFAULT '[]'::jsonb,
    condition_sensitivity numeric(3,2)             NOT NULL DEFAULT 1.0,
    created_at            timestamp with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at            timestamp with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT brand_groups_pkey PRIMARY KEY (id),
    CONSTRAINT uq_brand_groups_brand_group UNIQUE (brand, group_name),
    CONSTRAINT ck_brand_groups_base_price
        CHECK (base_price >= 5.00 AND base_price <= 500.00),
    CONSTRAINT ck_brand_groups_sensitivity
        CHECK (condition_sensitivity >= 0.5 AND condition_sensitivity <= 1.5)
);

CREATE INDEX idx_brand_groups_brand ON public.brand_groups (brand); -- canon: lint-ignore duplicate-index: seed 001 defines it
CREATE INDEX idx_brand_groups_group ON public.brand_groups (group_name);
CREATE INDEX idx_brand_groups_created_at ON public.brand_groups (created_at DESC);

COMMENT ON TABLE public.brand_groups IS
    'Multi-tenant pricing: base price (5-500 EUR) and expected origins, decades and trends for one brand and product group, shared by all tenants.';
COMMENT ON COLUMN public.brand_groups.base_price IS 'Reference price in EUR, between 5.00 and 500.00.';
COMMENT ON COLUMN public.brand_groups.condition_sensitivity IS 'How strongly item condition moves the price, between 0.5 and 1.5 (1.0 = neutral).';
COMMENT ON COLUMN public.brand_groups.expected_origins IS 'JSON array of typical countries of origin, for example ["USA", "Mexico"].';
