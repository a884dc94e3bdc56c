-- Bulk imports (CSV files, API pulls) and their individual records.

CREATE TABLE integration.import_batches (
    id                uuid         NOT NULL DEFAULT gen_random_uuid(),
    source_type       varchar(50)  NOT NULL,
    source_file       varchar(500),
    status            text         NOT NULL DEFAULT 'pending',
    total_records     integer      NOT NULL DEFAULT 0,
    processed_records integer      NOT NULL DEFAULT 0,
    error_records     integer      NOT NULL DEFAULT 0,
    metadata          jsonb,
    created_by        uuid,
    started_at        timestamptz,
    completed_at      timestamptz,
    created_at        timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT import_batches_pkey PRIMARY KEY (id),
    CONSTRAINT import_batches_created_by_fkey FOREIGN KEY (created_by)
        REFERENCES auth.users (id) ON DELETE SET NULL,
    CONSTRAINT import_batches_status_check
        CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'partial')),
    CONSTRAINT import_batches_counts_check
        CHECK (total_records >= 0 AND processed_records >= 0 AND error_records >= 0),
    CONSTRAINT import_batches_completed_after_started_check CHECK (completed_at >= started_at)
);

CREATE INDEX ix_import_batches_created_by ON integration.import_batches (created_by);
CREATE INDEX ix_import_batches_status ON integration.import_batches (status, created_at DESC);
CREATE INDEX ix_import_batches_metadata ON integration.import_batches USING gin (metadata);

COMMENT ON TABLE integration.import_batches IS
    'One bulk import run (CSV file or API pull) with its status and record counters.';


CREATE TABLE integration.import_records (
    id             uuid        NOT NULL DEFAULT gen_random_uuid(),
    batch_id       uuid        NOT NULL,
    row_number     integer     NOT NULL,
    source_data    jsonb       NOT NULL,
    processed_data jsonb,
    status         text        NOT NULL DEFAULT 'pending',
    error_message  text,
    product_id     uuid,
    processed_at   timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT import_records_pkey PRIMARY KEY (id),
    CONSTRAINT import_records_batch_id_fkey FOREIGN KEY (batch_id)
        REFERENCES integration.import_batches (id) ON DELETE CASCADE,
    CONSTRAINT import_records_product_id_fkey FOREIGN KEY (product_id)
        REFERENCES products.products (id) ON DELETE SET NULL,
    CONSTRAINT import_records_batch_row_key UNIQUE (batch_id, row_number),
    CONSTRAINT import_records_row_number_check CHECK (row_number >= 1),
    CONSTRAINT import_records_status_check
        CHECK (status IN ('pending', 'processed', 'error', 'skipped'))
);

CREATE INDEX ix_import_records_product_id ON integration.import_records (product_id);
CREATE INDEX ix_import_records_status ON integration.import_records (status);
CREATE INDEX ix_import_records_source_data ON integration.import_records USING gin (source_data);
CREATE INDEX ix_import_records_processed_data ON integration.import_records USING gin (processed_data);

COMMENT ON TABLE integration.import_records IS
    'One source row of an import batch: raw data, normalised data, outcome and the product it produced.';
