-- Revision ID: 8d4e2b6a90c3
-- Revises: 1f0c9a7e3b21
-- Create Date: 2026-11-05 14:30:00+00:00
-- Message: create accounts

-- migrate:upgrade
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    name VARCHAR(100) NOT NULL,
    balance NUMERIC(12, 2) NOT NULL DEFAULT 0,
    currency CHAR(3) NOT NULL DEFAULT 'USD'
);
CREATE INDEX ix_accounts_user_id ON accounts (user_id);

-- migrate:downgrade
DROP TABLE accounts;
