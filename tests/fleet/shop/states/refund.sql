-- A row the new price check rejects: a database holding it cannot take the new files.
INSERT INTO shop.items (name, price) VALUES ('refund', -5);
