#!/usr/bin/env bash
# One backup of the platform's database: pg_dump's custom format (compressed, restorable table by
# table with pg_restore) into BACKUP_DIR, named by the time; dumps older than BACKUP_KEEP_DAYS are
# removed. Run nightly by cchc-backup.timer; by hand: `deploy/backup.sh` with DATABASE_URL set.
# Check a dump with deploy/restore-check.sh. Copy BACKUP_DIR off the machine (rsync, object store):
# a backup on the database's own disk is lost with it.
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must be set (deploy/cchc.env)}"
dir=${BACKUP_DIR:-/var/backups/cchc}
keep=${BACKUP_KEEP_DAYS:-14}
mkdir -p "$dir"
stamp=$(date +%Y%m%d-%H%M%S)
partial="$dir/.cchc-$stamp.dump.partial"
trap 'rm -f "$partial"' EXIT
# A consistent snapshot of a live database: pg_dump runs in one repeatable-read transaction, so
# the app keeps working while it runs. Written under a temporary name, renamed when complete.
pg_dump --format=custom --no-owner --dbname="$DATABASE_URL" --file="$partial"
mv "$partial" "$dir/cchc-$stamp.dump"
find "$dir" -maxdepth 1 -name 'cchc-*.dump' -mtime +"$keep" -delete
echo "backup: $dir/cchc-$stamp.dump ($(du -h "$dir/cchc-$stamp.dump" | cut -f1))"
