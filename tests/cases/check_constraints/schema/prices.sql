CREATE TABLE public.prices (
    id integer PRIMARY KEY,
    amount numeric(10, 2),
    confidence double precision,
    CONSTRAINT prices_amount_check CHECK (amount >= 5.00 AND amount <= 500.00),
    CONSTRAINT prices_confidence_check CHECK (confidence BETWEEN 0 AND 1)
);
