-- Sneaker resale platform: size master data (kept in public by design).

CREATE TABLE public.sizes (
    id                 uuid        NOT NULL DEFAULT gen_random_uuid(),
    category_id        uuid        NOT NULL,
    value              varchar(20) NOT NULL,
    region             text        NOT NULL,
    standardized_value numeric(4,1),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sizes_pkey PRIMARY KEY (id),
    CONSTRAINT sizes_category_id_fkey FOREIGN KEY (category_id)
        REFERENCES core.categories (id) ON DELETE RESTRICT,
    CONSTRAINT sizes_category_region_value_key UNIQUE (category_id, region, value),
    CONSTRAINT sizes_region_check CHECK (region IN ('US', 'UK', 'EU', 'CM', 'JP')),
    CONSTRAINT sizes_standardized_value_check CHECK (standardized_value > 0)
);

CREATE INDEX ix_sizes_standardized_value ON public.sizes (standardized_value);

COMMENT ON TABLE public.sizes IS
    'Sneaker resale platform: size master data per category and sizing region, with a standardised value for cross-platform matching.';
COMMENT ON COLUMN public.sizes.value IS 'Size as written in its region, for example 10.5 (US) or 44 (EU).';
COMMENT ON COLUMN public.sizes.standardized_value IS 'Size converted to one common scale (EU) so listings from different regions can be matched; NULL until normalised.';
