CREATE TABLE public.assets (id bigint, tag text);
CREATE TABLE public.devices (model text) INHERITS (public.assets);
CREATE TABLE public.laptops (ram_gb integer) INHERITS (public.devices);
