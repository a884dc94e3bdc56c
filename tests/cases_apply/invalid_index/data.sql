INSERT INTO shop.events (id, kind, ref)
SELECT g, CASE WHEN g % 3 = 0 THEN 'view' ELSE 'click' END, 'r' || (g % 10)
FROM generate_series(1, 1000) g;
