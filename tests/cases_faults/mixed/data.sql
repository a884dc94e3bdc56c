INSERT INTO shop.customers (id, email, name)
SELECT g, 'customer' || g || '@example.com', 'Customer ' || g FROM generate_series(1, 2000) g;
INSERT INTO shop.orders (id, customer_id, code, qty, note)
SELECT g, 1 + g % 2000, 'C-' || (g % 500), 1 + g % 7, 'note ' || g FROM generate_series(1, 20000) g;
INSERT INTO shop.legacy (id, payload) SELECT g, 'old ' || g FROM generate_series(1, 100) g;
