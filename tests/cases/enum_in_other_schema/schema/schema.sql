CREATE SCHEMA types;
CREATE TYPE types.level AS ENUM ('low', 'mid', 'high');
CREATE SCHEMA app;
CREATE TABLE app.alarm (id integer PRIMARY KEY, level types.level);
