-- Product feed integration (catalogue synchronised to Shopify).

CREATE SCHEMA feed;

COMMENT ON SCHEMA feed IS
    'Product feed integration: users, hierarchical categories, products synchronised with Shopify, images, icons, background jobs, sync history, logs and configuration.';
