CREATE SCHEMA "Sales Dept";
CREATE TABLE "Sales Dept"."Order" ("Id" integer);
COMMENT ON TABLE "Sales Dept"."Order" IS 'orders';
COMMENT ON COLUMN "Sales Dept"."Order"."Id" IS 'key';
