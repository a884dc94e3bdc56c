CREATE TABLE public.addresses (id integer PRIMARY KEY, city text, zip text, country text);
CREATE STATISTICS public.addresses_city_zip ON city, zip FROM public.addresses;
