-- Revision ID: 3a7f5c1d2e94
-- Revises: 8d4e2b6a90c3
-- Create Date: 2026-11-09 10:15:00+00:00
-- Message: create transactions

-- migrate:upgrade
CREATE TABLE transactions (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    amount NUMERIC(12, 2) NOT NULL,
    description VARCHAR(255),
    posted_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    pending BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX ix_transactions_account_posted ON transactions (account_id, posted_at);

-- migrate:downgrade
DROP TABLE transactions;
