# Starts a throw-away PostgreSQL cluster in a temporary directory on a free port, and stops
# and removes it when the calling script exits. Source this file, then call
# `start_throwaway_postgres [extra postgres options]`; it exports THROWAWAY_POSTGRES_URL.

start_throwaway_postgres() {
  local bin dir port as
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found (install Debian's postgresql)" >&2; return 1; }
  dir=$(mktemp -d /tmp/tertial-pg.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as=()
  if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root; use the postgres account the package created.
    chown postgres "$dir"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U tertial --no-sync >/dev/null
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 $*" start >/dev/null
  THROWAWAY_POSTGRES_DIR=$dir
  THROWAWAY_POSTGRES_STOP="${as[*]} $bin/pg_ctl -D $dir/data -m immediate stop"
  export THROWAWAY_POSTGRES_URL="postgres://tertial@127.0.0.1:$port/postgres"
  trap 'stop_throwaway_postgres' EXIT
}

stop_throwaway_postgres() {
  if [ -n "${THROWAWAY_POSTGRES_DIR:-}" ]; then
    $THROWAWAY_POSTGRES_STOP >/dev/null 2>&1 || true
    rm -rf "$THROWAWAY_POSTGRES_DIR"
    THROWAWAY_POSTGRES_DIR=
  fi
}
