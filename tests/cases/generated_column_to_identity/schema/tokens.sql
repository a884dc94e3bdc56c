CREATE TABLE public.tokens (id integer PRIMARY KEY, n integer, serial_no integer GENERATED ALWAYS AS IDENTITY);
