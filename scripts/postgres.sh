#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the job-store tests: 127.0.0.1:55432, trust auth on loopback,
# database retouch_test. Idempotent: installs PostgreSQL if missing, (re)uses the cluster when it is
# already there or running, and prints the URL the tests read from RETOUCH_TEST_POSTGRES_URL.
# Usage: scripts/postgres.sh [start|stop|url]        (data in $RETOUCH_PG_DIR, default /tmp/retouch-pg;
#   port $RETOUCH_PG_PORT, default 55432: a second instance, e.g. one a test restarts, takes its own pair)
#   export RETOUCH_TEST_POSTGRES_URL="$(scripts/postgres.sh)"
set -euo pipefail

PORT="${RETOUCH_PG_PORT:-55432}"
DATABASE=retouch_test
DATA_DIR="${RETOUCH_PG_DIR:-/tmp/retouch-pg}"
URL="postgres://postgres@127.0.0.1:$PORT/$DATABASE"

log() { echo "postgres.sh: $*" >&2; }

# PostgreSQL refuses to run as root, so server commands run as the postgres user when we are root.
as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

find_bin_dir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

install_postgres() {
    [ -n "$(find_bin_dir)" ] && return
    log "installing PostgreSQL (Debian package postgresql)"
    SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
    [ -n "$(find_bin_dir)" ] || { log "PostgreSQL binaries not found after installing"; exit 1; }
}

init_cluster() {
    [ -f "$DATA_DIR/PG_VERSION" ] && return
    log "creating cluster in $DATA_DIR"
    mkdir -p "$DATA_DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$DATA_DIR"
    chmod 700 "$DATA_DIR"
    as_postgres "$BIN/initdb" -D "$DATA_DIR" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    # Tests only: durability is not wanted here, speed is. The socket lives in the data directory
    # because /var/run/postgresql may not exist on a machine where the service never ran.
    cat >>"$DATA_DIR/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DATA_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
}

start_cluster() {
    if as_postgres "$BIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1; then
        return
    fi
    log "starting on 127.0.0.1:$PORT"
    as_postgres "$BIN/pg_ctl" -D "$DATA_DIR" -l "$DATA_DIR/server.log" -w -t 60 start >/dev/null
}

create_database() {
    local psql=("$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAq)
    if [ "$(as_postgres "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != 1 ]; then
        as_postgres "${psql[@]}" -c "CREATE DATABASE $DATABASE" >/dev/null
    fi
}

stop_cluster() {
    local bin
    bin="$(find_bin_dir)"
    if [ -z "$bin" ] || [ ! -f "$DATA_DIR/PG_VERSION" ]; then
        log "no cluster in $DATA_DIR"
        return
    fi
    if as_postgres "$bin/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1; then
        as_postgres "$bin/pg_ctl" -D "$DATA_DIR" -m fast -w stop >/dev/null
        log "stopped"
    else
        log "not running"
    fi
}

case "${1:-start}" in
    start)
        install_postgres
        BIN="$(find_bin_dir)"
        init_cluster
        start_cluster
        create_database
        echo "$URL"
        ;;
    stop) stop_cluster ;;
    url) echo "$URL" ;;
    *) log "unknown command '$1': use start, stop or url"; exit 2 ;;
esac
