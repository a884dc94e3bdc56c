INSERT INTO shop.orders (id, qty, note) VALUES
    (1, 2, 'gift wrap'),
    (2, 1, NULL),
    (3, 5, 'leave at door'),
    (4, 1, 'call first');
