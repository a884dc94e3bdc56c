CREATE TYPE public.mood AS ENUM ('happy', 'ok', 'sad');
COMMENT ON TYPE public.mood IS 'How it went.';
GRANT USAGE ON TYPE public.mood TO PUBLIC;
CREATE TABLE public.visit (
    id integer PRIMARY KEY,
    mood public.mood NOT NULL DEFAULT 'ok',
    CONSTRAINT visit_not_sad CHECK (mood <> 'sad')
);
CREATE FUNCTION public.is_good(m public.mood) RETURNS boolean LANGUAGE sql IMMUTABLE
    AS $$ SELECT m = 'happy' $$;
COMMENT ON FUNCTION public.is_good(public.mood) IS 'Only happy is good.';
CREATE VIEW public.good_visits AS SELECT id FROM public.visit WHERE public.is_good(mood);
CREATE VIEW public.happy_count AS SELECT count(*) AS n FROM public.visit WHERE mood = 'happy';
CREATE INDEX visit_happy ON public.visit (id) WHERE mood = 'happy';
