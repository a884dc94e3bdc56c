CREATE TYPE public.size AS ENUM ('s', 'm', 'l');
CREATE DOMAIN public.shirt_size AS public.size NOT NULL;
CREATE TABLE public.shirt (id integer PRIMARY KEY, size public.shirt_size);
