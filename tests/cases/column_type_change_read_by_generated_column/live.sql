CREATE TABLE public.rooms (
    id bigint PRIMARY KEY,
    width integer NOT NULL DEFAULT 1,
    depth integer NOT NULL,
    area integer GENERATED ALWAYS AS (width * depth) STORED
);
CREATE INDEX rooms_area ON public.rooms (area);
