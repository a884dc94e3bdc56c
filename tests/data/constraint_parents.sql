-- Parent rows that the minimal rows of tests/test_schema_constraints.py point at.
-- Two of each, so that a test can vary one foreign key of a composite UNIQUE key.

INSERT INTO aggregator.dispensaries (id, name, slug) VALUES
    ('disp-1', 'Green Leaf', 'green-leaf'),
    ('disp-2', 'Blue Sky', 'blue-sky');

INSERT INTO aggregator.products (id, name) VALUES
    ('prod-1', 'Blue Dream 3.5g'),
    ('prod-2', 'Sour Diesel 1g');

INSERT INTO aggregator.users (id, email) VALUES
    ('user-1', 'first@example.org'),
    ('user-2', 'second@example.org');

INSERT INTO forecasting.store_clusters (cluster_id, cluster_name) VALUES
    ('cl-1', 'Urban');

INSERT INTO forecasting.stores (store_id, store_name, cluster_id, store_size_sqft, location_tier,
                                median_income, store_format, region, avg_weekly_sales_12mo) VALUES
    ('S001', 'Downtown', 'cl-1', 12000, 'A', 65000, 'mall', 'west', 4200.5),
    ('S002', 'Airport', 'cl-1', 8000, 'B', 52000, 'outlet', 'east', 3100.0);

INSERT INTO forecasting.categories (category_id, category_name) VALUES
    ('womens_dresses', 'Women''s dresses'),
    ('mens_shirts', 'Men''s shirts');

INSERT INTO forecasting.workflows (workflow_id, category_id) VALUES
    ('wf-1', 'womens_dresses'),
    ('wf-2', 'womens_dresses');
