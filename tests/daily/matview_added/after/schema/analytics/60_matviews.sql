-- Brand sales, materialised for the nightly report.

CREATE MATERIALIZED VIEW analytics.brand_sales AS
SELECT b.id AS brand_id, b.name AS brand_name, count(o.id) AS orders, sum(o.gross_sale) AS revenue
FROM core.brands AS b
LEFT JOIN products.products AS p ON p.brand_id = b.id
LEFT JOIN products.inventory AS i ON i.product_id = p.id
LEFT JOIN transactions.orders AS o ON o.inventory_id = i.id
GROUP BY b.id, b.name;

CREATE UNIQUE INDEX ux_brand_sales_brand_id ON analytics.brand_sales (brand_id);

COMMENT ON MATERIALIZED VIEW analytics.brand_sales IS 'Orders and revenue per brand, refreshed nightly.';
COMMENT ON INDEX analytics.ux_brand_sales_brand_id IS 'Lets REFRESH MATERIALIZED VIEW CONCURRENTLY run.';
