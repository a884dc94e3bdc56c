CREATE TABLE public.timestamped (created_at timestamptz DEFAULT now(), legacy integer);
CREATE TABLE public.owned (owner_id bigint, legacy integer);
CREATE TABLE public.tasks (id bigint, title text) INHERITS (public.timestamped, public.owned);
