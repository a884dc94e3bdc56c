CREATE VIEW reporting.monthly_revenue AS
SELECT pl.name AS platform, date_trunc('month', o.sold_at)::date AS month,
       count(*) AS orders, sum(o.net_proceeds) AS net
FROM transactions.orders AS o
JOIN core.platforms AS pl ON pl.id = o.platform_id
WHERE o.sold_at IS NOT NULL
GROUP BY 1, 2;

COMMENT ON VIEW reporting.monthly_revenue IS 'Net proceeds per platform and month.';

GRANT USAGE ON SCHEMA reporting TO PUBLIC;
GRANT SELECT ON reporting.monthly_revenue TO PUBLIC;
