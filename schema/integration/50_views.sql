-- Price views.

CREATE VIEW integration.latest_prices AS
SELECT DISTINCT ON (ps.product_id, ps.size_id, ps.source_type)
    ps.id           AS price_source_id,
    ps.product_id,
    p.sku,
    p.name          AS product_name,
    b.name          AS brand_name,
    ps.size_id,
    s.value         AS size_value,
    s.region        AS size_region,
    ps.source_type,
    ps.price_type,
    ps.condition,
    ps.price,
    ps.currency,
    ps.in_stock,
    ps.last_updated
FROM integration.price_sources AS ps
JOIN products.products AS p ON p.id = ps.product_id
LEFT JOIN core.brands AS b ON b.id = p.brand_id
LEFT JOIN public.sizes AS s ON s.id = ps.size_id
ORDER BY ps.product_id, ps.size_id, ps.source_type, ps.last_updated DESC, ps.created_at DESC, ps.id;

COMMENT ON VIEW integration.latest_prices IS
    'Most recent price for each product, size and source (newest last_updated wins; size NULL forms its own group).';


CREATE VIEW integration.profit_opportunities_v2 AS
WITH resale AS (
    SELECT DISTINCT ON (ps.product_id, ps.size_id)
        ps.product_id,
        ps.size_id,
        ps.price AS resale_price,
        ps.currency,
        ps.last_updated
    FROM integration.price_sources AS ps
    WHERE ps.source_type IN ('stockx', 'stockxapi')
      AND ps.price_type = 'resale'
      AND ps.condition IN ('new', 'deadstock')
    ORDER BY ps.product_id, ps.size_id, ps.last_updated DESC, ps.created_at DESC, ps.id
),
offers AS (
    SELECT
        a.id AS awin_product_id,
        a.matched_product_id,
        a.size_id,
        a.merchant_name,
        a.affiliate_link,
        a.currency,
        a.in_stock,
        a.last_updated,
        COALESCE(a.sale_price, a.retail_price) AS buy_price
    FROM integration.awin_products AS a
    WHERE a.matched_product_id IS NOT NULL
      AND a.in_stock
      AND COALESCE(a.sale_price, a.retail_price) > 0
)
SELECT
    o.awin_product_id,
    o.matched_product_id                                     AS product_id,
    p.sku,
    p.name                                                   AS product_name,
    b.name                                                   AS brand_name,
    o.size_id,
    s.value                                                  AS size_value,
    o.merchant_name,
    o.buy_price,
    r.resale_price,
    r.resale_price - o.buy_price                             AS gross_profit,
    round(100 * (r.resale_price - o.buy_price) / o.buy_price, 2) AS profit_margin_pct,
    o.currency,
    o.affiliate_link,
    o.last_updated                                           AS offer_updated_at,
    r.last_updated                                           AS resale_price_updated_at
FROM offers AS o
JOIN resale AS r
  ON r.product_id = o.matched_product_id
 AND r.size_id IS NOT DISTINCT FROM o.size_id
 AND r.currency = o.currency
JOIN products.products AS p ON p.id = o.matched_product_id
LEFT JOIN core.brands AS b ON b.id = p.brand_id
LEFT JOIN public.sizes AS s ON s.id = o.size_id
WHERE r.resale_price > o.buy_price;

COMMENT ON VIEW integration.profit_opportunities_v2 IS
    'AWIN-StockX arbitrage: in-stock AWIN offers whose latest StockX resale price (same product, size and currency) exceeds the buy price, with profit and margin.';
