INSERT INTO shop.orders VALUES (1, 'kept until the column is dropped');
