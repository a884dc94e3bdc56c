-- Catalogue rows for tests/test_schema_triggers.py, on top of the seeded reference data
-- (brand 'nike', category 'sneakers'). updated_at is set to an old value here because an
-- INSERT does not fire the updated_at triggers, while any UPDATE would overwrite it.

INSERT INTO public.sizes (id, category_id, value, region)
SELECT s.id, c.id, s.value, 'US'
FROM (VALUES ('00000000-0000-0000-0000-000000000009'::uuid, '9'),
             ('00000000-0000-0000-0000-000000000010'::uuid, '10')) AS s (id, value)
CROSS JOIN core.categories AS c
WHERE c.slug = 'sneakers';

INSERT INTO products.products (id, sku, name, brand_id, category_id, updated_at)
SELECT p.id, p.sku, p.name, b.id, c.id, '2001-01-01 00:00+00'
FROM (VALUES ('10000000-0000-0000-0000-000000000001'::uuid, 'DD1391-100', 'Dunk Low Panda'),
             ('10000000-0000-0000-0000-000000000002'::uuid, NULL, 'Air Max 1 sample')) AS p (id, sku, name)
CROSS JOIN core.brands AS b
CROSS JOIN core.categories AS c
WHERE b.slug = 'nike' AND c.slug = 'sneakers';

INSERT INTO products.inventory (id, product_id, size_id, purchase_price, updated_at)
VALUES ('20000000-0000-0000-0000-000000000001', '10000000-0000-0000-0000-000000000001',
        '00000000-0000-0000-0000-000000000009', 110.00, '2001-01-01 00:00+00');

-- Prices for integration.latest_prices; external_id names each row. The newest per
-- product, size and source are marked "latest".
INSERT INTO integration.price_sources
    (external_id, product_id, size_id, source_type, price_type, condition, price, last_updated)
VALUES
    ('dunk-9-stockx-old',      '10000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000009', 'stockx', 'resale',  'new',       200, '2025-01-01 00:00+00'),
    ('dunk-9-stockx-latest',   '10000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000009', 'stockx', 'resale',  'used_good', 150, '2025-03-01 00:00+00'),
    ('dunk-9-stockx-middle',   '10000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000009', 'stockx', 'retail',  'new',       180, '2025-02-01 00:00+00'),
    ('dunk-9-ebay-latest',     '10000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000009', 'ebay',   'resale',  'new',       190, '2025-01-15 00:00+00'),
    ('dunk-10-stockx-latest',  '10000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000010', 'stockx', 'resale',  'new',       210, '2025-02-10 00:00+00'),
    ('dunk-10-stockx-old',     '10000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000010', 'stockx', 'auction', 'new',       205, '2025-01-10 00:00+00'),
    ('dunk-any-goat-old',      '10000000-0000-0000-0000-000000000001', NULL,                                   'goat',   'resale',  'new',       220, '2025-01-20 00:00+00'),
    ('dunk-any-goat-latest',   '10000000-0000-0000-0000-000000000001', NULL,                                   'goat',   'retail',  'new',       230, '2025-04-01 00:00+00'),
    ('airmax-9-stockx-latest', '10000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000009', 'stockx', 'resale',  'new',       120, '2025-01-01 00:00+00'),
    ('airmax-9-stockx-old',    '10000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000009', 'stockx', 'retail',  'new',       110, '2024-12-01 00:00+00');
