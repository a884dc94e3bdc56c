CREATE SCHEMA "Sales Dept";
CREATE TABLE "Sales Dept"."Order" ("Id" integer);
