CREATE TYPE products.inventory_status AS ENUM (
    'incoming',
    'available',
    'consigned',
    'need_shipping',
    'packed',
    'outgoing',
    'sale_completed',
    'cancelled'
);

COMMENT ON TYPE products.inventory_status IS
    'Workflow state of one inventory item, from arrival to completed sale.';
