-- Major sneaker brands (core.brands), keyed by slug.

INSERT INTO core.brands (name, slug)
VALUES
    ('Nike',        'nike'),
    ('Adidas',      'adidas'),
    ('Jordan',      'jordan'),
    ('New Balance', 'new-balance'),
    ('Asics',       'asics'),
    ('Converse',    'converse'),
    ('Puma',        'puma'),
    ('Reebok',      'reebok'),
    ('Vans',        'vans'),
    ('Yeezy',       'yeezy')
ON CONFLICT (slug) DO UPDATE SET
    name = EXCLUDED.name;
