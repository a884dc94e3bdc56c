-- Three levels: tag leaves assets and devices, laptops keeps it as its own.
CREATE TABLE public.assets (id bigint);
CREATE TABLE public.devices (model text) INHERITS (public.assets);
CREATE TABLE public.laptops (ram_gb integer, tag text) INHERITS (public.devices);
