CREATE TYPE public.old_state AS ENUM ('open', 'closed');
CREATE TYPE public.new_state AS ENUM ('open', 'closed', 'archived');
CREATE TABLE public.cases (id bigint PRIMARY KEY, state public.old_state NOT NULL DEFAULT 'open');
