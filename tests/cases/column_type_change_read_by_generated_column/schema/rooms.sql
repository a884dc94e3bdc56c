-- area reads width and depth, whose types change: PostgreSQL refuses that while area
-- exists, so area is dropped and added again in the statement that changes them.
CREATE TABLE public.rooms (
    id bigint PRIMARY KEY,
    width numeric(8, 2) NOT NULL DEFAULT 1.5,
    depth numeric(8, 2) NOT NULL,
    area numeric(16, 4) GENERATED ALWAYS AS (width * depth) STORED
);
CREATE INDEX rooms_area ON public.rooms (area);
