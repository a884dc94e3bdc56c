CREATE TABLE public.readings (value integer);
