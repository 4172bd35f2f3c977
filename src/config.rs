//! `retort.toml`: finding it, reading it, and resolving the database URL.
