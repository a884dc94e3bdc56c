CREATE FUNCTION public.is_valid_sku(v text) RETURNS integer LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN v ~ '^[A-Z]{3}-[0-9]+$' THEN 1 ELSE 0 END;
CREATE TABLE public.products (
    id bigint PRIMARY KEY,
    sku text CHECK (public.is_valid_sku(sku) = 1)
);
