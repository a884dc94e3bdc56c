-- The parent's CHECK reaches its children; their copies come and go with it.
CREATE TABLE public.prices (id bigint, amount numeric, CONSTRAINT prices_amount_positive CHECK (amount > 0));
CREATE TABLE public.sale_prices (ends date) INHERITS (public.prices);
