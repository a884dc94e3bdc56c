-- A SQL-standard function body: PostgreSQL records what it reads.

CREATE FUNCTION core.brand_name_of(brand uuid)
    RETURNS varchar
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT b.name FROM core.brands AS b WHERE b.id = brand;
END;

COMMENT ON FUNCTION core.brand_name_of(uuid) IS 'The name of a brand.';
