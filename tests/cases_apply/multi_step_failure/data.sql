-- 'B-7' cannot become an integer: computing the new generated column fails on the live
-- data only, when the step runs.
INSERT INTO shop.orders (id, code, qty) VALUES (1, '100', 1), (2, 'B-7', 2);
