-- A view over a view of another schema.

CREATE VIEW integration.brand_offer_summary AS
SELECT l.brand_id, l.brand_name, l.unique_buyers, count(o.awin_product_id) AS open_offers
FROM analytics.brand_loyalty_analysis AS l
LEFT JOIN core.brands AS b ON b.id = l.brand_id
LEFT JOIN integration.profit_opportunities_v2 AS o ON o.brand_name = b.name
GROUP BY l.brand_id, l.brand_name, l.unique_buyers;

COMMENT ON VIEW integration.brand_offer_summary IS 'Repeat buyers and open arbitrage offers per brand.';
