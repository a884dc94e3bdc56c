-- A function taking the condition enum.

CREATE FUNCTION integration.condition_rank(c integration.condition_enum)
    RETURNS integer
    LANGUAGE sql IMMUTABLE
AS $$ SELECT array_position(enum_range(NULL::integration.condition_enum), c) $$;

COMMENT ON FUNCTION integration.condition_rank(integration.condition_enum) IS 'Position of a condition, best first.';
