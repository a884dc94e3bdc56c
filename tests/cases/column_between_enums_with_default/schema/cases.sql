CREATE TYPE public.old_state AS ENUM ('open', 'closed');
CREATE TYPE public.new_state AS ENUM ('open', 'closed', 'archived');
-- Moved to another enum: the old default cannot be cast, the new one needs the new type.
CREATE TABLE public.cases (id bigint PRIMARY KEY, state public.new_state NOT NULL DEFAULT 'open');
