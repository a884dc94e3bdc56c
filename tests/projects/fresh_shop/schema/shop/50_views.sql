CREATE VIEW shop.open_orders AS
    SELECT o.id, c.email, o.status FROM shop.orders o JOIN shop.customers c ON c.id = o.customer_id
    WHERE o.status <> 'shipped';
