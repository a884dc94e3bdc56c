CREATE TABLE public.readings (value double precision);
INSERT INTO public.readings VALUES (1.5), (2);
