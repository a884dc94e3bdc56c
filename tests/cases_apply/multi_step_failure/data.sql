-- 'B-7' cannot become an integer: the type change fails on the live data only.
INSERT INTO shop.orders (id, code, qty) VALUES (1, '100', 1), (2, 'B-7', 2);
