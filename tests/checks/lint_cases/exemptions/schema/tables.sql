CREATE TABLE public.audit ( -- canon: lint-ignore table-without-primary-key: append-only log, rows are never addressed
    at timestamp NOT NULL, -- canon: lint-ignore timestamp-without-time-zone: the device clock's local time, kept as read
    code char(3) -- canon: lint-ignore char-column
);

CREATE TABLE public.tags (
    id bigint PRIMARY KEY, -- canon: lint-ignore no-such-rule: a typo
    label money
);
