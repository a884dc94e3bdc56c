-- canon plan
-- format: 1
-- canon-version: 0.1.0
-- schema-digest: d8ed3f9c8f03f52f602f55977b9889dcb0f7a293118c0305082a0934a1c1a059
-- live-fingerprint: f6f5b0849424001681b4b1ad5be92fd1-2510
-- server-version: 150018
-- hazards: data-loss
-- planned: 0f766484efc3

-- hazard: data-loss: drops column legacy_code and its values
alter table "public"."items" drop column "legacy_code";

alter table "public"."items" add column "note" text;
