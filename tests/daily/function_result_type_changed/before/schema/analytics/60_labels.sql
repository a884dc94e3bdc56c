-- A label function and the view that calls it.

CREATE FUNCTION analytics.brand_label(brand_name text, orders bigint)
    RETURNS varchar
    LANGUAGE sql IMMUTABLE
AS $$ SELECT brand_name || ' (' || orders || ' orders)' $$;

COMMENT ON FUNCTION analytics.brand_label(text, bigint) IS 'A brand and its order count, for reports.';

CREATE VIEW analytics.brand_labels AS
SELECT brand_id, analytics.brand_label(brand_name, total_orders::bigint) AS label
FROM analytics.brand_loyalty_analysis;

COMMENT ON VIEW analytics.brand_labels IS 'Report labels per brand.';
