-- Multi-tenant pricing: coefficients per model within a brand and product group.

CREATE TABLE public.models (
    id                serial                   NOT NULL, -- canon: lint-ignore serial-column: seed 001 defines id SERIAL
    brand             varchar(100)             NOT NULL,
    group_name        varchar(50)              NOT NULL,
    model             varchar(100)             NOT NULL,
    coefficient       numeric(4,2)             NOT NULL DEFAULT 1.0,
    expected_features jsonb                    NOT NULL DEFAULT '[]'::jsonb,
    created_at        timestamp with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at        timestamp with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT models_pkey PRIMARY KEY (id),
    CONSTRAINT uq_models_brand_group_model UNIQUE (brand, group_name, model),
    CONSTRAINT ck_models_coefficient CHECK (coefficient >= 0.5 AND coefficient <= 3.0)
);

CREATE INDEX idx_models_brand ON public.models (brand); -- canon: lint-ignore duplicate-index: seed 001 defines it
CREATE INDEX idx_models_group ON public.models (group_name);
CREATE INDEX idx_models_brand_group ON public.models (brand, group_name); -- canon: lint-ignore duplicate-index: seed 001 defines it
CREATE INDEX idx_models_created_at ON public.models (created_at DESC);

COMMENT ON TABLE public.models IS
    'Multi-tenant pricing: price coefficient (0.5-3.0) and expected features of one model within a brand and product group, shared by all tenants.';
COMMENT ON COLUMN public.models.coefficient IS 'Multiplier on the brand group base price: 1.0 standard, about 1.4 popular, up to 3.0 for collector pieces.';
COMMENT ON COLUMN public.models.expected_features IS 'JSON array of features that justify the coefficient, for example ["selvedge"].';
