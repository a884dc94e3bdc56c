CREATE FUNCTION public.is_valid_sku(v text) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN v ~ '^[A-Z]{3}-[0-9]+$';
CREATE TABLE public.products (id bigint PRIMARY KEY, sku text CHECK (public.is_valid_sku(sku)));
