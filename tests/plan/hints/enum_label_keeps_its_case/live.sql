CREATE TYPE public.state AS ENUM ('Enabled', 'Disabled');
