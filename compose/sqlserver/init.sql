-- Posts and users tables of the listing site, SQL Server CDC for both, and a least-privilege
-- login for vector-sync. Run as a sysadmin (CDC needs SQL Server Agent running):
--   sqlcmd -S localhost -U sa -v JobPassword="..." -i compose/sqlserver/init.sql
-- Column names match the defaults of source.cdc.posts-columns and source.cdc.users-columns.

IF DB_ID(N'trotot') IS NULL
    CREATE DATABASE trotot;
GO
USE trotot;
GO

CREATE TABLE dbo.posts (
    id          bigint          NOT NULL PRIMARY KEY,
    title       nvarchar(1000)  NOT NULL,
    description nvarchar(max)   NULL,
    address     nvarchar(500)   NULL,
    ward        nvarchar(100)   NULL,
    district    nvarchar(100)   NULL,
    city        nvarchar(100)   NULL,
    status      varchar(32)     NOT NULL,
    category    varchar(64)     NULL,
    price       money           NULL,           -- monthly rent, VND
    area        decimal(9, 2)   NULL,           -- m²
    user_id     bigint          NULL,
    created_at  datetimeoffset(7) NULL,
    updated_at  datetime2(7)    NULL            -- no zone: see source.cdc.server-time-zone
);
GO

CREATE TABLE dbo.users (
    id                 bigint         NOT NULL PRIMARY KEY,
    bio                nvarchar(4000) NULL,
    preferred_category varchar(64)    NULL,
    preferred_city     nvarchar(100)  NULL,
    preferred_district nvarchar(100)  NULL,
    preferred_ward     nvarchar(100)  NULL,
    budget_min         money          NULL,
    budget_max         money          NULL,
    area_min           decimal(9, 2)  NULL,
    created_at         datetimeoffset(7) NULL,
    updated_at         datetime2(7)   NULL
);
GO

-- CDC for the database and both tables. @role_name = NULL: reading the change tables is not
-- gated by a role, only by SELECT on the cdc schema, granted below.
EXEC sys.sp_cdc_enable_db;
GO
EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'posts',
     @role_name = NULL, @supports_net_changes = 0;
EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'users',
     @role_name = NULL, @supports_net_changes = 0;
GO

-- The job's login: reads the tables (snapshot, column check, backfill) and the change tables
-- (streaming), and nothing else.
CREATE LOGIN vector_sync WITH PASSWORD = '$(JobPassword)', CHECK_POLICY = ON;
CREATE USER vector_sync FOR LOGIN vector_sync;
GRANT SELECT ON dbo.posts TO vector_sync;
GRANT SELECT ON dbo.users TO vector_sync;
-- cdc.* change tables and the cdc.fn_cdc_get_all_changes_* functions.
GRANT SELECT ON SCHEMA::cdc TO vector_sync;
-- A precaution for the connector's metadata queries; not yet checked against a server, so it may
-- be unnecessary.
GRANT VIEW DATABASE STATE TO vector_sync;
GO
