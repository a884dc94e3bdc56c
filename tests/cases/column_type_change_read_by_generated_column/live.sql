CREATE TABLE public.rooms (
    id bigint PRIMARY KEY,
    width integer NOT NULL DEFAULT 1,
    depth integer NOT NULL,
    area integer GENERATED ALWAYS AS (width * depth) STORED
);
CREATE INDEX rooms_area ON public.rooms (area);
INSERT INTO public.rooms (id, width, depth) VALUES (1, 3, 4);
