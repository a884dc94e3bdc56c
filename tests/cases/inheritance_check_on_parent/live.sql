CREATE TABLE public.prices (id bigint, amount numeric);
CREATE TABLE public.sale_prices (ends date) INHERITS (public.prices);
