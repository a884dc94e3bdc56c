INSERT INTO shop.items (name, price) VALUES
    ('gift card', 0)
ON CONFLICT (name) DO UPDATE SET price = EXCLUDED.price;
