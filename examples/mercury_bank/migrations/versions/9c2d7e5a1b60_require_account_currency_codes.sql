-- Revision ID: 9c2d7e5a1b60
-- Revises: e4a81f6b7d35
-- Create Date: 2026-11-24 15:00:00+00:00
-- Message: longer account names, currency codes checked

-- Written once in portable SQL: PostgreSQL and MySQL alter the table in
-- place, SQLite rebuilds it (keeping every row) because its ALTER TABLE
-- cannot change a type or add a constraint.

-- migrate:upgrade
ALTER TABLE accounts ALTER COLUMN name TYPE VARCHAR(200);
ALTER TABLE accounts ADD CONSTRAINT ck_accounts_currency CHECK (currency IN ('USD', 'EUR', 'GBP'));
COMMENT ON TABLE accounts IS 'A customer''s bank account';

-- migrate:downgrade
COMMENT ON TABLE accounts IS NULL;
ALTER TABLE accounts DROP CONSTRAINT ck_accounts_currency;
ALTER TABLE accounts ALTER COLUMN name TYPE VARCHAR(100);
