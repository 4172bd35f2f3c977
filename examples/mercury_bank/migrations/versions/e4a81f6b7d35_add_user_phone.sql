-- Revision ID: e4a81f6b7d35
-- Revises: 5b9d3e7c1f08
-- Create Date: 2026-11-20 11:30:00+00:00
-- Message: add phone to users

-- migrate:upgrade
ALTER TABLE users ADD COLUMN phone VARCHAR(30);
CREATE INDEX ix_transactions_pending ON transactions (pending);

-- migrate:downgrade
DROP INDEX ix_transactions_pending;
ALTER TABLE users DROP COLUMN phone;

-- migrate:downgrade mysql
DROP INDEX ix_transactions_pending ON transactions;
ALTER TABLE users DROP COLUMN phone;
