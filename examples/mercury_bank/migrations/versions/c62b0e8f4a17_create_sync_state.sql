-- Revision ID: c62b0e8f4a17
-- Revises: 8d4e2b6a90c3
-- Create Date: 2026-11-10 16:45:00+00:00
-- Message: create sync state for the bank sync job
-- Branch Labels: sync

-- The sync job's state, developed on its own branch beside the
-- transactions work and merged by 5b9d3e7c1f08.

-- migrate:upgrade
CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    last_synced_at TIMESTAMP NULL,
    sync_cursor VARCHAR(255),
    status VARCHAR(20) NOT NULL DEFAULT 'idle'
);

-- migrate:downgrade
DROP TABLE sync_state;
