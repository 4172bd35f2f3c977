#!/bin/sh
# The container's start (the seed's Docker start script): wait for the
# database, bring it to head, then become the app (`exec "$@"`, the
# Dockerfile's CMD). Several containers may start at once: `retort upgrade`
# takes a database lock, so each revision is applied once
# (docs/running-migrations.md). Any failure stops the start: the app never
# runs on a database that is not at head.
set -eu

retort test-connection --wait "${RETORT_WAIT_SECS:-60}"
retort upgrade
exec "$@"
