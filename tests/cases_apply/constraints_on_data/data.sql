INSERT INTO shop.customers (id, email, phone) VALUES
    (1, 'a@example.com', '1'), (2, 'a@example.com', NULL), (3, 'b@example.com', NULL),
    (4, NULL, '4'), (5, 'b@example.com', '5'), (6, 'c@example.com', '6');
INSERT INTO shop.orders (id, customer_id, qty) VALUES
    (1, 1, 1), (2, 2, 0), (3, 99, -1), (4, NULL, 3);
