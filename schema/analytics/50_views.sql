-- Brand analysis over completed sales.

CREATE VIEW analytics.brand_loyalty_analysis AS
WITH buyer_brand AS (
    SELECT
        p.brand_id,
        o.buyer_reference,
        count(*)          AS orders,
        sum(o.gross_sale) AS spent,
        min(o.sold_at)    AS first_purchase_at,
        max(o.sold_at)    AS last_purchase_at
    FROM transactions.orders AS o
    JOIN products.inventory AS i ON i.id = o.inventory_id
    JOIN products.products AS p ON p.id = i.product_id
    WHERE o.buyer_reference IS NOT NULL
      AND p.brand_id IS NOT NULL
      AND o.status NOT IN ('cancelled', 'returned')
    GROUP BY p.brand_id, o.buyer_reference
)
SELECT
    b.id                                            AS brand_id,
    b.name                                          AS brand_name,
    count(*)                                        AS unique_buyers,
    count(*) FILTER (WHERE bb.orders > 1)           AS repeat_buyers,
    round(100.0 * count(*) FILTER (WHERE bb.orders > 1) / count(*), 2) AS repeat_buyer_rate_pct,
    sum(bb.orders)                                  AS total_orders,
    round(avg(bb.orders), 2)                        AS avg_orders_per_buyer,
    sum(bb.spent)                                   AS total_revenue,
    round(sum(bb.spent) / count(*), 2)              AS revenue_per_buyer,
    min(bb.first_purchase_at)                       AS first_sale_at,
    max(bb.last_purchase_at)                        AS last_sale_at
FROM buyer_brand AS bb
JOIN core.brands AS b ON b.id = bb.brand_id
GROUP BY b.id, b.name;

COMMENT ON VIEW analytics.brand_loyalty_analysis IS
    'Customer brand preference: per brand, unique and repeat buyers, repeat rate and revenue per buyer (cancelled and returned orders excluded).';


CREATE VIEW analytics.brand_trend_analysis AS
WITH monthly AS (
    SELECT
        p.brand_id,
        date_trunc('month', o.sold_at AT TIME ZONE 'UTC')::date AS month,
        count(*)                                 AS orders,
        sum(o.gross_sale)                        AS revenue,
        round(avg(o.gross_sale), 2)              AS avg_sale_price,
        sum(o.net_proceeds - i.purchase_price)   AS profit
    FROM transactions.orders AS o
    JOIN products.inventory AS i ON i.id = o.inventory_id
    JOIN products.products AS p ON p.id = i.product_id
    WHERE o.sold_at IS NOT NULL
      AND p.brand_id IS NOT NULL
      AND o.status NOT IN ('cancelled', 'returned')
    GROUP BY p.brand_id, date_trunc('month', o.sold_at AT TIME ZONE 'UTC')::date
)
SELECT
    m.brand_id,
    b.name                                           AS brand_name,
    m.month,
    m.orders,
    m.revenue,
    m.avg_sale_price,
    m.profit,
    lag(m.revenue) OVER w                            AS previous_month_revenue,
    round(100 * (m.revenue - lag(m.revenue) OVER w) / NULLIF(lag(m.revenue) OVER w, 0), 2)
                                                     AS revenue_growth_pct,
    m.orders - lag(m.orders) OVER w                  AS orders_change
FROM monthly AS m
JOIN core.brands AS b ON b.id = m.brand_id
WINDOW w AS (PARTITION BY m.brand_id ORDER BY m.month);

COMMENT ON VIEW analytics.brand_trend_analysis IS
    'Brand popularity over time: orders, revenue, average sale price and profit per brand and calendar month (UTC), with month-over-month change.';
