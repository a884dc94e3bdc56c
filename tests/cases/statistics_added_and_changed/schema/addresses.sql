CREATE TABLE public.addresses (id integer PRIMARY KEY, city text, zip text, country text);
CREATE STATISTICS public.addresses_city_zip (ndistinct, dependencies) ON city, zip FROM public.addresses;
CREATE STATISTICS public.addresses_zip_country ON zip, country FROM public.addresses;
ALTER STATISTICS public.addresses_zip_country SET STATISTICS 500;
