-- A table with two parents; both lose a column they shared, and a new child appears.
CREATE TABLE public.timestamped (created_at timestamptz DEFAULT now());
CREATE TABLE public.owned (owner_id bigint);
CREATE TABLE public.tasks (id bigint, title text) INHERITS (public.timestamped, public.owned);
CREATE TABLE public.events (id bigint, at date) INHERITS (public.timestamped, public.owned);
