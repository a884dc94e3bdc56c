CREATE TYPE app.wide_span AS RANGE (subtype = int8);
