#!/usr/bin/env bash
# Runs every test. Database tests run on SQLite and on PostgreSQL: DIAODU_TEST_DATABASE_URL when
# set, else a server on 127.0.0.1:5432, else a throwaway cluster started from the PostgreSQL
# binaries on this machine (tests/support/pg.py).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
set +e
.venv/bin/python -m pytest -p no:cacheprovider --durations=15 "$@"
status=$?
set -e
echo "测试用时：$(( $(date +%s) - start )) 秒"
exit $status
