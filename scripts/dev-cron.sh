#!/usr/bin/env bash
# `make run`'s stand-in for the production cron lines (README, "Deploying"): abandoned attempts
# graded every minute, the reports' tallies counted every five. It stops with the server.
#
#   scripts/dev-cron.sh PYTHON
set -u
py=${1:?usage: $0 PYTHON}
minute=0
while sleep 60; do
  minute=$((minute + 1))
  "$py" manage.py close_overdue_attempts >/dev/null || echo "dev-cron: close_overdue_attempts failed" >&2
  if [ $((minute % 5)) = 0 ]; then
    "$py" manage.py update_report_tallies >/dev/null || echo "dev-cron: update_report_tallies failed" >&2
  fi
done
