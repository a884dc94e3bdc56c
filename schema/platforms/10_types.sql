CREATE TYPE platforms.sales_platform AS ENUM (
    'StockX',
    'Alias',
    'eBay',
    'Kleinanzeigen',
    'Laced',
    'WTN',
    'Return'
);

COMMENT ON TYPE platforms.sales_platform IS
    'Channel a listing price or sale belongs to (WTN = Wethenew; Return = item sent back).';
