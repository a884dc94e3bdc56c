CREATE TYPE public.state AS ENUM (
    'Active', -- canon: renamed from Enabled
    'Sold Out' -- canon: renamed from 'Disabled'
);
