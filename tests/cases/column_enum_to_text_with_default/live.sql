CREATE TYPE public.priority AS ENUM ('low', 'normal', 'high');
CREATE TABLE public.tickets (
    id bigint PRIMARY KEY,
    priority public.priority NOT NULL DEFAULT 'normal'
);
