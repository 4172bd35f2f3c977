-- Revision ID: 1f0c9a7e3b21
-- Revises:
-- Create Date: 2026-11-02 09:00:00+00:00
-- Message: create users

-- migrate:upgrade
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL UNIQUE,
    full_name VARCHAR(100) NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- migrate:downgrade
DROP TABLE users;
