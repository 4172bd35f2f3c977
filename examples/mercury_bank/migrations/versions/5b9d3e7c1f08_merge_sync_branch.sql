-- Revision ID: 5b9d3e7c1f08
-- Revises: 3a7f5c1d2e94, c62b0e8f4a17
-- Create Date: 2026-11-12 08:00:00+00:00
-- Message: merge the sync branch

-- migrate:upgrade

-- migrate:downgrade
