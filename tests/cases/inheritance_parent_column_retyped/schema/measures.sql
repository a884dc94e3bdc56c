-- The parent's type change reaches every child; children cannot be altered themselves.
CREATE TABLE public.measures (id bigint, amount numeric(12, 2) DEFAULT 0 NOT NULL);
CREATE TABLE public.daily_measures (day date) INHERITS (public.measures);
CREATE TABLE public.hourly_measures (hour integer) INHERITS (public.daily_measures);
