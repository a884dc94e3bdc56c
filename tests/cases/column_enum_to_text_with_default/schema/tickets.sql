CREATE TYPE public.priority AS ENUM ('low', 'normal', 'high');
-- The column leaves the enum: its default must follow it to text.
CREATE TABLE public.tickets (
    id bigint PRIMARY KEY,
    priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high'))
);
