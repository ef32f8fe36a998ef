#!/usr/bin/env bash
# A real CKAN 2.11 portal on loopback, for the publish tests (and for trying `opendata publish`).
#
#   bash scripts/ckan.sh start   install what is missing, start PostgreSQL, Redis and CKAN
#   bash scripts/ckan.sh stop    stop all three (data is kept in .ckan/ and the cluster)
#   bash scripts/ckan.sh env     print the variables the tests read (eval "$(… env)")
#   bash scripts/ckan.sh logs    print the portal's logs
#
# CKAN runs with PostgreSQL and Redis from Debian and `pip install "ckan[requirements]==2.11.*"`
# in its own venv (.ckan/venv). Solr is replaced by the plugin in ckan/ckanext-opendata-pgsearch,
# which answers package_search from PostgreSQL. Everything listens on 127.0.0.1 only. Re-runs skip
# what is installed already. PostgreSQL listens on localhost (its default). Run as root (CI) or with sudo rights for apt-get and PostgreSQL.
#
# Settings (environment): OPENDATA_CKAN_PORT (5055), OPENDATA_CKAN_PG_PORT (5439),
# OPENDATA_CKAN_REDIS_PORT (6389), OPENDATA_CKAN_HOME (.ckan in the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
HOME_DIR=${OPENDATA_CKAN_HOME:-$ROOT/.ckan}
PORT=${OPENDATA_CKAN_PORT:-5055}
PG_PORT=${OPENDATA_CKAN_PG_PORT:-5439}
REDIS_PORT=${OPENDATA_CKAN_REDIS_PORT:-6389}
CLUSTER=opendata-ckan
VENV=$HOME_DIR/venv
INI=$HOME_DIR/ckan.ini
LOG=$HOME_DIR/ckan.log
PLUGIN=$ROOT/ckan/ckanext-opendata-pgsearch
URL=http://127.0.0.1:$PORT
PASSWORD=opendata-ckan-test
# Fixed, because this portal is for tests on loopback only: a token made from one checkout then
# works with a server started from another one (CI in a fresh clone while a portal runs).
SECRET=opendata-test-portal-loopback-only

say() { echo "ckan.sh: $*" >&2; }

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

pg_version() { ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1; }

install_system() {
  local missing=()
  [ -n "$(pg_version)" ] || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v pg_config >/dev/null || missing+=(libpq-dev)
  command -v gcc >/dev/null || missing+=(gcc)
  if [ ${#missing[@]} -gt 0 ]; then
    say "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

start_postgres() {
  local version
  version=$(pg_version)
  if ! pg_lsclusters -h | awk '{print $2}' | grep -qx "$CLUSTER"; then
    say "creating PostgreSQL $version cluster $CLUSTER on 127.0.0.1:$PG_PORT"
    pg_createcluster "$version" "$CLUSTER" -p "$PG_PORT" >/dev/null
  fi
  if ! pg_lsclusters -h | awk -v c="$CLUSTER" '$2 == c {print $4}' | grep -qx online; then
    pg_ctlcluster "$version" "$CLUSTER" start
  fi
  if ! as_postgres psql -p "$PG_PORT" -tAc "select 1 from pg_roles where rolname='ckan'" |
    grep -q 1; then
    as_postgres psql -p "$PG_PORT" -qc "create role ckan login password '$PASSWORD'"
    as_postgres createdb -p "$PG_PORT" -O ckan -E utf-8 -T template0 ckan
  fi
}

start_redis() {
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then return; fi
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save "" \
    --appendonly no --dir "$HOME_DIR" --pidfile "$HOME_DIR/redis.pid" \
    --logfile "$HOME_DIR/redis.log"
}

install_ckan() {
  if [ ! -x "$VENV/bin/ckan" ]; then
    say "installing CKAN 2.11 into $VENV (a minute or two)"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet "ckan[requirements]==2.11.*"
  fi
  # the plugin: reinstalled when its sources change (not editable: ckanext is a namespace)
  local stamp
  stamp=$(cd "$PLUGIN" && find . -name '*.py' -o -name pyproject.toml | sort | xargs sha256sum |
    sha256sum | cut -c1-16)
  if [ "$(cat "$HOME_DIR/plugin.stamp" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$PLUGIN/build" "$PLUGIN"/*.egg-info
    "$VENV/bin/python" -m pip install --quiet --no-deps --force-reinstall \
      "$PLUGIN"
    rm -rf "$PLUGIN/build" "$PLUGIN"/*.egg-info
    echo "$stamp" >"$HOME_DIR/plugin.stamp"
  fi
}

configure() {
  if [ ! -f "$INI" ]; then
    "$VENV/bin/ckan" generate config "$INI" >/dev/null
  fi
  "$VENV/bin/ckan" config-tool "$INI" \
    "sqlalchemy.url = postgresql://ckan:$PASSWORD@127.0.0.1:$PG_PORT/ckan" \
    "ckan.site_url = $URL" \
    "ckan.site_id = opendata-test" \
    "SECRET_KEY = $SECRET" \
    "ckan.redis.url = redis://127.0.0.1:$REDIS_PORT/0" \
    "solr_url = http://127.0.0.1:9/solr/unused" \
    "ckan.plugins = opendata_pgsearch" \
    "ckan.storage_path = $HOME_DIR/storage" \
    "ckan.max_resource_size = 100" \
    "ckan.auth.create_unowned_dataset = false" \
    "ckan.cache_enabled = false" >/dev/null
  mkdir -p "$HOME_DIR/storage"
  if ! db_ready; then
    say "initialising the CKAN database"
    "$VENV/bin/ckan" -c "$INI" db init >>"$LOG" 2>&1
    "$VENV/bin/ckan" -c "$INI" user add admin email=admin@localhost password="$PASSWORD" \
      >>"$LOG" 2>&1 || true
    "$VENV/bin/ckan" -c "$INI" sysadmin add admin >>"$LOG" 2>&1
  fi
}

db_ready() {
  as_postgres psql -p "$PG_PORT" -d ckan -tAc \
    "select count(*) from \"user\" where name = 'admin' and sysadmin" 2>/dev/null | grep -qx 1
}

token_ok() {
  [ -s "$HOME_DIR/token" ] &&
    curl -fsS -H "Authorization: $(cat "$HOME_DIR/token")" \
      "$URL/api/3/action/api_token_list?user_id=admin" >/dev/null 2>&1
}

make_token() {
  if token_ok; then return; fi
  (umask 077 && "$VENV/bin/ckan" -c "$INI" user token add admin opendata-tests 2>>"$LOG" |
    tail -1 | tr -d '[:space:]' >"$HOME_DIR/token")
  if ! token_ok; then
    say "could not make an API token for admin; see $LOG"
    exit 1
  fi
}

running() { curl -fsS "$URL/api/3/action/status_show" >/dev/null 2>&1; }

start_ckan() {
  if running; then return; fi
  say "starting CKAN on $URL (logs: $LOG)"
  nohup "$VENV/bin/ckan" -c "$INI" run -H 127.0.0.1 -p "$PORT" --disable-reloader --threaded \
    >>"$LOG" 2>&1 </dev/null &
  echo $! >"$HOME_DIR/ckan.pid"
  for _ in $(seq 1 120); do
    if running; then return; fi
    if ! kill -0 "$(cat "$HOME_DIR/ckan.pid")" 2>/dev/null; then break; fi
    sleep 0.5
  done
  say "CKAN did not answer on $URL; its log:"
  tail -n 80 "$LOG" >&2
  exit 1
}

stop() {
  if [ -f "$HOME_DIR/ckan.pid" ]; then
    kill "$(cat "$HOME_DIR/ckan.pid")" 2>/dev/null || true
    rm -f "$HOME_DIR/ckan.pid"
  fi
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  local version
  version=$(pg_version)
  if [ -n "$version" ] && pg_lsclusters -h 2>/dev/null | awk '{print $2}' | grep -qx "$CLUSTER"; then
    pg_ctlcluster "$version" "$CLUSTER" stop 2>/dev/null || true
  fi
}

print_env() {
  echo "export OPENDATA_TEST_CKAN_URL=$URL"
  echo "export OPENDATA_TEST_CKAN_TOKEN_FILE=$HOME_DIR/token"
  echo "export OPENDATA_TEST_CKAN_STORAGE=$HOME_DIR/storage"
}

case "${1:-}" in
  start)
    started=$(date +%s)
    mkdir -p "$HOME_DIR"
    install_system
    start_postgres
    start_redis
    install_ckan
    configure
    start_ckan
    make_token
    say "CKAN is up on $URL ($(($(date +%s) - started)) s); token in $HOME_DIR/token"
    ;;
  stop) stop ;;
  env) print_env ;;
  logs) cat "$LOG" ;;
  *)
    echo "usage: $0 start|stop|env|logs" >&2
    exit 2
    ;;
esac
