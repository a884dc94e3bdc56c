-- Product categories (core.categories), keyed by slug.

INSERT INTO core.categories (name, slug, description)
VALUES
    ('Sneakers', 'sneakers', 'Sneakers and athletic footwear')
ON CONFLICT (slug) DO UPDATE SET
    name = EXCLUDED.name,
    description = EXCLUDED.description;
