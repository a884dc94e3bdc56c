INSERT INTO public.invoices (id, title, amount, legacy_ref) VALUES (1, 'first', 10, 'INV-1');
