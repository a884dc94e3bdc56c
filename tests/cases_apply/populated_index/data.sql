INSERT INTO shop.events (id, kind, payload)
SELECT g, (ARRAY['view', 'cart', 'buy'])[1 + g % 3], jsonb_build_object('n', g)
FROM generate_series(1, 50000) AS g;
