CREATE TABLE public.prices (id integer PRIMARY KEY, amount numeric(10,2), CONSTRAINT prices_amount_check CHECK (amount > 0));
