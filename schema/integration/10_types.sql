CREATE TYPE integration.source_type_enum AS ENUM (
    'stockx',
    'awin',
    'ebay',
    'goat',
    'klekt',
    'restocks',
    'stockxapi'
);

COMMENT ON TYPE integration.source_type_enum IS 'Where a price was obtained.';


CREATE TYPE integration.price_type_enum AS ENUM (
    'resale',
    'retail',
    'auction',
    'wholesale'
);

COMMENT ON TYPE integration.price_type_enum IS 'Kind of price: resale market, retail shop, auction or wholesale.';


CREATE TYPE integration.condition_enum AS ENUM (
    'new',
    'like_new',
    'used_excellent',
    'used_good',
    'used_fair',
    'deadstock'
);

COMMENT ON TYPE integration.condition_enum IS 'Condition of the item a price refers to.';
