-- Rows the everyday edits run against, loaded after seeds/: enough that every view
-- returns rows and every column an edit touches holds values (and no value an edit
-- would have to refuse).

INSERT INTO core.suppliers (name, slug, supplier_type, country_code)
VALUES ('Sole Outlet', 'sole-outlet', 'outlet', 'DE'),
       ('Kicks Wholesale', 'kicks-wholesale', 'wholesale', 'NL');

INSERT INTO public.sizes (category_id, value, region, standardized_value)
SELECT c.id, v.value, v.region, v.standardized
FROM core.categories AS c
CROSS JOIN (VALUES ('9', 'US', 42.5), ('10', 'US', 44.0), ('10.5', 'US', 44.5), ('44', 'EU', 44.0))
    AS v(value, region, standardized)
WHERE c.slug = 'sneakers';

INSERT INTO products.products (sku, name, brand_id, category_id, colorway, retail_price, avg_resale_price)
SELECT v.sku, v.name, b.id, c.id, v.colorway, v.retail, v.resale
FROM (VALUES ('DD1391-100', 'Dunk Low Panda', 'nike', 'White/Black', 110.00, 150.00),
             ('555088-134', 'Air Jordan 1 High Chicago', 'jordan', 'White/Red', 180.00, 420.00),
             ('GW2871', 'Samba OG', 'adidas', 'Cloud White', 100.00, 130.00),
             ('M990GL6', '990v6 Grey', 'new-balance', 'Grey', 200.00, 230.00),
             (NULL, 'Gel-Kayano 14 Sample', 'asics', 'Silver', NULL, NULL))
    AS v(sku, name, brand, colorway, retail, resale)
JOIN core.brands AS b ON b.slug = v.brand
CROSS JOIN core.categories AS c
WHERE c.slug = 'sneakers';

-- Two pairs of each product, in sizes 9 and 10 (US), at retail price.
INSERT INTO products.inventory (product_id, size_id, supplier_id, purchase_price, purchase_date,
                                detailed_status, storage_location)
SELECT p.id, s.id, sp.id, coalesce(p.retail_price, 90.00), timestamptz '2025-01-10 12:00+00',
       CASE WHEN s.value = '9' THEN 'sale_completed' ELSE 'available' END::products.inventory_status,
       'Shelf A'
FROM products.products AS p
CROSS JOIN public.sizes AS s
JOIN core.suppliers AS sp ON sp.slug = 'sole-outlet'
WHERE s.region = 'US' AND s.value IN ('9', '10');

-- A sale of every size-9 pair, two buyers, over two months.
INSERT INTO transactions.orders (platform_id, inventory_id, external_id, status, buyer_reference,
                                 gross_sale, platform_fee, shipping_cost, net_proceeds, sold_at)
SELECT pl.id, i.id, 'SX-' || row_number() OVER (ORDER BY p.name), 'completed',
       CASE WHEN row_number() OVER (ORDER BY p.name) % 2 = 0 THEN 'buyer-a' ELSE 'buyer-b' END,
       i.purchase_price * 1.4, i.purchase_price * 0.1, 12.00, i.purchase_price * 1.2,
       timestamptz '2025-02-01 10:00+00' + (row_number() OVER (ORDER BY p.name)) * interval '12 days'
FROM products.inventory AS i
JOIN products.products AS p ON p.id = i.product_id
JOIN core.platforms AS pl ON pl.slug = 'stockx'
WHERE i.detailed_status = 'sale_completed';

INSERT INTO transactions.transactions (order_id, platform_id, transaction_type, amount, transaction_date)
SELECT o.id, o.platform_id, 'sale', o.net_proceeds, o.sold_at
FROM transactions.orders AS o;

-- StockX resale prices for sizes 9 and 10; updating one writes price_history.
INSERT INTO integration.price_sources (product_id, size_id, source_type, price_type, condition, price)
SELECT i.product_id, i.size_id, 'stockx', 'resale', 'new', i.purchase_price * 1.5
FROM products.inventory AS i;

UPDATE integration.price_sources SET price = price + 5 WHERE price > 200;

-- AWIN offers below the resale price: rows for integration.profit_opportunities_v2.
INSERT INTO integration.awin_products (aw_product_id, merchant_id, merchant_name, product_name,
                                       brand_id, size_id, retail_price, sale_price,
                                       matched_product_id, affiliate_link)
SELECT 'AW-' || row_number() OVER (ORDER BY p.name, s.value), 42, 'Sneaker Shop', p.name,
       p.brand_id, s.id, p.retail_price, p.retail_price * 0.9, p.id, 'https://example.com/aw'
FROM products.products AS p
CROSS JOIN public.sizes AS s
WHERE p.retail_price IS NOT NULL AND s.region = 'US' AND s.value IN ('9', '10');

INSERT INTO public.brand_groups (brand, group_name, base_price)
VALUES ('Levi''s', 'jeans', 45.00), ('Carhartt', 'jackets', 80.00);

INSERT INTO public.models (brand, group_name, model, coefficient)
VALUES ('Levi''s', 'jeans', '501', 1.4), ('Carhartt', 'jackets', 'Detroit', 1.8);

INSERT INTO user_1.products (title, brand, group_name, model, listed_price, status)
VALUES ('501 vintage', 'Levi''s', 'jeans', '501', 59.00, 'listed'),
       ('Detroit jacket', 'Carhartt', 'jackets', 'Detroit', 149.00, 'draft');

INSERT INTO user_2.products (title, brand, group_name, listed_price)
VALUES ('Plain jeans', 'Levi''s', 'jeans', 35.00);
