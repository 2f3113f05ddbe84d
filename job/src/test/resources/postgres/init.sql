-- Posts and users tables for the postgres-cdc source and the JDBC backfill, with the same
-- columns as compose/sqlserver/init.sql, a publication for pgoutput and a least-privilege role.
--
-- The server must run with wal_level = logical (postgresql.conf, or -c wal_level=logical) and
-- with max_replication_slots and max_wal_senders of at least 1 per job. Run this file as a
-- superuser in the application database, with psql -v password=... ; the tests put a literal in
-- place of :'password'.

CREATE SCHEMA dbo;

CREATE TABLE dbo.posts (
    id          bigint        PRIMARY KEY,
    title       varchar(1000) NOT NULL,
    description text,
    address     varchar(500),
    ward        varchar(100),
    district    varchar(100),
    city        varchar(100),
    status      varchar(32)   NOT NULL,
    category    varchar(64),
    price       numeric(19, 4),
    area        numeric(9, 2),
    user_id     bigint,
    created_at  timestamptz,
    updated_at  timestamp(6)
);

CREATE TABLE dbo.users (
    id                 bigint PRIMARY KEY,
    bio                text,
    preferred_category varchar(64),
    preferred_city     varchar(100),
    preferred_district varchar(100),
    preferred_ward     varchar(100),
    budget_min         numeric(19, 4),
    budget_max         numeric(19, 4),
    area_min           numeric(9, 2),
    created_at         timestamptz,
    updated_at         timestamp(6)
);

-- The job reads the change stream through this publication; it never creates one itself
-- (publication.autocreate.mode = disabled), so it needs no ownership of the tables.
CREATE PUBLICATION vector_sync FOR TABLE dbo.posts, dbo.users;

-- LOGIN and REPLICATION to create and read its logical replication slot; SELECT for the
-- snapshot, the column check at start and the backfill.
CREATE ROLE vector_sync LOGIN REPLICATION PASSWORD :'password';
GRANT USAGE ON SCHEMA dbo TO vector_sync;
GRANT SELECT ON dbo.posts, dbo.users TO vector_sync;
