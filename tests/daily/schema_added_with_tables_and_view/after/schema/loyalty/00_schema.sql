CREATE SCHEMA loyalty;

COMMENT ON SCHEMA loyalty IS 'Buyer loyalty points.';
