-- Dispensary price aggregator.

CREATE SCHEMA aggregator;

COMMENT ON SCHEMA aggregator IS
    'Dispensary price aggregator: products, brands, dispensaries, scraped prices, reviews, promotions and the normalisation review queue.';
