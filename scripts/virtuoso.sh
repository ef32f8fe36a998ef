#!/usr/bin/env bash
# A throwaway Virtuoso (Debian's virtuoso-opensource) on loopback, for the push tests.
#
#   scripts/virtuoso.sh start [DIR] [HTTP_PORT] [SQL_PORT]   # installs it first if missing (root)
#   scripts/virtuoso.sh stop  [DIR]
#   scripts/virtuoso.sh install                              # apt-get install, if missing
#
# The database lives in DIR (default /tmp/opendata-virtuoso); HTTP on 127.0.0.1:HTTP_PORT
# (default 8891), SQL on 127.0.0.1:SQL_PORT (default 1112). A user for the SPARQL 1.1 Graph
# Store HTTP Protocol endpoint (/sparql-graph-crud-auth, digest authentication) is created:
# OPENDATA_STORE_USER / OPENDATA_STORE_PASSWORD (default opendata / opendata-test). On success
# "start" prints the endpoint URL as its last line.
set -euo pipefail
command=${1:-}
dir=${2:-/tmp/opendata-virtuoso}
http_port=${3:-8891}
sql_port=${4:-1112}
user=${OPENDATA_STORE_USER:-opendata}
password=${OPENDATA_STORE_PASSWORD:-opendata-test}

fail() { echo "virtuoso.sh: $*" >&2; exit 1; }

install() {
    command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null && return 0
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        fail "virtuoso-t is not installed, and installing it needs root and apt-get (apt-get install virtuoso-opensource)"
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends virtuoso-opensource >/dev/null 2>&1 \
        || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends virtuoso-opensource >/dev/null; } \
        || fail "apt-get install virtuoso-opensource failed"
}

isql() { isql-vt "127.0.0.1:$sql_port" dba dba "$@"; }
isql_exec() { isql "$@" </dev/null; }

start() {
    install
    if [ -f "$dir/virtuoso.pid" ] && kill -0 "$(cat "$dir/virtuoso.pid")" 2>/dev/null; then
        echo "http://127.0.0.1:$http_port/sparql-graph-crud-auth"
        return 0
    fi
    mkdir -p "$dir"
    rm -f "$dir"/virtuoso.lck
    cat > "$dir/virtuoso.ini" <<INI
[Database]
DatabaseFile       = $dir/virtuoso.db
ErrorLogFile       = $dir/virtuoso.log
LockFile           = $dir/virtuoso.lck
TransactionFile    = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase
[TempDatabase]
DatabaseFile       = $dir/virtuoso-temp.db
TransactionFile    = $dir/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0
[Parameters]
ServerPort               = 127.0.0.1:$sql_port
DisableUnixSocket        = 1
CheckpointInterval       = 60
CaseMode                 = 2
DirsAllowed              = ., $dir, /usr/share/virtuoso-opensource-7/vad
VADInstallDir            = /usr/share/virtuoso-opensource-7/vad/
NumberOfBuffers          = 10000
MaxDirtyBuffers          = 6000
[HTTPServer]
ServerPort                  = 127.0.0.1:$http_port
ServerRoot                  = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections        = 10
ServerThreads               = 10
Charset                     = UTF-8
[SPARQL]
ResultSetMaxRows           = 100000
MaxQueryExecutionTime      = 60
INI
    (cd "$dir" && exec virtuoso-t +configfile "$dir/virtuoso.ini" +foreground \
        </dev/null >"$dir/stdout.log" 2>&1) &
    echo $! > "$dir/virtuoso.pid"
    for _ in $(seq 1 240); do
        isql_exec exec="status('');" >/dev/null 2>&1 && break
        kill -0 "$(cat "$dir/virtuoso.pid")" 2>/dev/null \
            || fail "virtuoso-t exited: $(tail -5 "$dir/virtuoso.log" 2>/dev/null)"
        sleep 0.5
    done
    isql_exec exec="status('');" >/dev/null 2>&1 || fail "virtuoso did not answer on 127.0.0.1:$sql_port: $(tail -5 "$dir/virtuoso.log" 2>/dev/null)"
    # a user allowed to write graphs through the Graph Store Protocol (the password is not echoed)
    isql >/dev/null 2>&1 <<SQL || true
DB.DBA.USER_CREATE ('$user', '$password');
SQL
    isql >/dev/null <<SQL
USER_SET_PASSWORD ('$user', '$password');
GRANT SPARQL_SELECT TO "$user";
GRANT SPARQL_UPDATE TO "$user";
GRANT SPARQL_SPONGE TO "$user";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('$user', 7);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1);
SQL
    echo "http://127.0.0.1:$http_port/sparql-graph-crud-auth"
}

stop() {
    [ -f "$dir/virtuoso.pid" ] || return 0
    pid=$(cat "$dir/virtuoso.pid")
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
    rm -f "$dir/virtuoso.pid"
}

case "$command" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    *) fail "usage: scripts/virtuoso.sh install|start|stop [DIR] [HTTP_PORT] [SQL_PORT]" ;;
esac
