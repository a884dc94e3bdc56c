-- Shared trigger function of the sneaker resale platform.

CREATE FUNCTION core.update_updated_at_column()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION core.update_updated_at_column() IS
    'BEFORE UPDATE row trigger: stamps updated_at with the transaction time.';
