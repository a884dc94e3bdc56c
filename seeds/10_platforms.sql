-- Sales platforms of the sneaker resale system (core.platforms), keyed by slug.

INSERT INTO core.platforms (name, slug)
VALUES
    ('StockX',        'stockx'),
    ('eBay',          'ebay'),
    ('Kleinanzeigen', 'kleinanzeigen'),
    ('Laced',         'laced'),
    ('GOAT',          'goat'),
    ('Alias',         'alias'),
    ('Restocks',      'restocks'),
    ('Wethenew',      'wethenew')
ON CONFLICT (slug) DO UPDATE SET
    name = EXCLUDED.name;
