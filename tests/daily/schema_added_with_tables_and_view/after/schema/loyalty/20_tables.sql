CREATE TYPE loyalty.tier AS ENUM ('bronze', 'silver', 'gold');

CREATE TABLE loyalty.members (
    id              uuid         NOT NULL DEFAULT gen_random_uuid(),
    buyer_reference varchar(100) NOT NULL,
    tier            loyalty.tier NOT NULL DEFAULT 'bronze',
    joined_at       timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT members_pkey PRIMARY KEY (id),
    CONSTRAINT members_buyer_reference_key UNIQUE (buyer_reference)
);

CREATE TABLE loyalty.points (
    id        uuid        NOT NULL DEFAULT gen_random_uuid(),
    member_id uuid        NOT NULL,
    order_id  uuid,
    points    integer     NOT NULL,
    earned_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT points_pkey PRIMARY KEY (id),
    CONSTRAINT points_member_id_fkey FOREIGN KEY (member_id)
        REFERENCES loyalty.members (id) ON DELETE CASCADE,
    CONSTRAINT points_order_id_fkey FOREIGN KEY (order_id)
        REFERENCES transactions.orders (id) ON DELETE SET NULL,
    CONSTRAINT points_points_check CHECK (points <> 0)
);

CREATE INDEX ix_points_member_id ON loyalty.points (member_id);
CREATE INDEX ix_points_order_id ON loyalty.points (order_id);

CREATE VIEW loyalty.member_balances AS
SELECT m.id AS member_id, m.buyer_reference, m.tier, coalesce(sum(p.points), 0) AS balance
FROM loyalty.members AS m
LEFT JOIN loyalty.points AS p ON p.member_id = m.id
GROUP BY m.id, m.buyer_reference, m.tier;
