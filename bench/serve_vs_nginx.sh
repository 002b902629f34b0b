#!/usr/bin/env bash
# apkd against nginx serving the same bytes, side by side in one run, on 127.0.0.1 with wrk:
# authenticated index GET, 304 revalidation, the 401-then-retry pair apk-tools makes per file,
# and a 50 MB package GET. Prints requests/s (or MB/s) and the ratio apkd / nginx.
# Usage: bench/serve_vs_nginx.sh [BUILD_DIR]   (needs wrk and nginx: scripts/install-deps.sh test)
set -euo pipefail
build=${1:-build/bench}
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/$build/src/app"
duration=${DURATION:-8}
work=$(mktemp -d)
chmod 755 "$work"  # nginx's workers run as another user and must read www/
apkd_port=18431
nginx_port=18432
cleanup() {
  [ -n "${apkd_pid:-}" ] && kill "$apkd_pid" 2>/dev/null
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  sleep 0.2
  rm -rf "$work"
}
trap cleanup EXIT

# --- apkd with one org, a few packages and a 50 MB one ------------------------------------------
"$bin/apkd" serve --data-dir "$work/data" --listen "127.0.0.1:$apkd_port" \
  --public-url "http://bench.local:$apkd_port" >"$work/apkd.log" 2>&1 &
apkd_pid=$!
for _ in $(seq 100); do grep -q '^listening' "$work/apkd.log" && break; sleep 0.1; done
export APKCTL_SERVER="http://127.0.0.1:$apkd_port"
APKCTL_TOKEN=$(grep -o 'apkds_[^ ]*' "$work/apkd.log")
export APKCTL_TOKEN
"$bin/apkctl" keygen bench -o "$work" --bits 2048 >/dev/null
key=$(ls "$work"/bench-*.rsa)
mkdir -p "$work/big/usr/share/big" "$work/small/usr/share/small"
head -c 50000000 /dev/urandom >"$work/big/usr/share/big/blob"  # incompressible: ~50 MB package
echo small >"$work/small/usr/share/small/file"
"$bin/apkctl" build -o "$work/big-1.0-r0.apk" --sign-key "$key" --name big --version 1.0-r0 \
  --arch x86_64 "$work/big" 2>/dev/null
for i in $(seq 1 50); do
  "$bin/apkctl" build -o "$work/small$i-1.0-r0.apk" --sign-key "$key" --name "small$i" \
    --version 1.0-r0 --arch x86_64 "$work/small" 2>/dev/null
done
"$bin/apkctl" iam organizations create bench >/dev/null
"$bin/apkctl" packages push --org bench "$work"/*.apk 2>/dev/null
token=$("$bin/apkctl" auth token --audience bench.local)
authorization="Basic $(printf 'user:%s' "$token" | base64 -w0)"

# --- nginx with the very same bytes ------------------------------------------------------------
mkdir -p "$work/www/bench/x86_64"
curl -sf -H "Authorization: $authorization" -o "$work/www/bench/x86_64/APKINDEX.tar.gz" \
  "http://127.0.0.1:$apkd_port/bench/x86_64/APKINDEX.tar.gz"
cp "$work/big-1.0-r0.apk" "$work/www/bench/x86_64/"
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on; tcp_nopush on; keepalive_requests 1000000;
  client_body_temp_path $work/nginx-tmp; proxy_temp_path $work/nginx-tmp;
  fastcgi_temp_path $work/nginx-tmp; uwsgi_temp_path $work/nginx-tmp; scgi_temp_path $work/nginx-tmp;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    location / {
      if (\$http_authorization = "") { return 401; }
    }
  }
}
CONF
mkdir -p "$work/nginx-tmp"
chmod -R a+rX "$work/www"
nginx -c "$work/nginx.conf" || { cat "$work/nginx-error.log" >&2; exit 1; }
sleep 0.3

# Both servers must hand out the same bytes, or the comparison means nothing.
for path in /bench/x86_64/APKINDEX.tar.gz /bench/x86_64/big-1.0-r0.apk; do
  for port in $apkd_port $nginx_port; do
    got=$(curl -s -H "Authorization: $authorization" "http://127.0.0.1:$port$path" | sha256sum)
    want=$(sha256sum <"$work/www$path")
    if [ "$got" != "$want" ]; then
      echo "serve_vs_nginx: port $port serves other bytes for $path" >&2
      exit 1
    fi
  done
done

# --- the runs ------------------------------------------------------------------------------------
rate() {  # rate URL CONNECTIONS [wrk args...] -> requests/s
  local url=$1 connections=$2
  shift 2
  wrk -t2 -c"$connections" -d"${duration}s" "$@" "$url" | awk '/Requests\/sec/ {print $2}'
}
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
index_path=/bench/x86_64/APKINDEX.tar.gz
apkd_etag=$(curl -sI -H "Authorization: $authorization" "http://127.0.0.1:$apkd_port$index_path" |
  tr -d '\r' | awk -F': ' 'tolower($1)=="etag" {print $2}')
nginx_etag=$(curl -sI -H "Authorization: $authorization" "http://127.0.0.1:$nginx_port$index_path" |
  tr -d '\r' | awk -F': ' 'tolower($1)=="etag" {print $2}')

printf '%-28s %14s %14s %8s\n' "workload" "apkd" "nginx" "ratio"
report() { printf '%-28s %14s %14s %8s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }

a=$(rate "http://127.0.0.1:$apkd_port$index_path" 32 -H "Authorization: $authorization")
n=$(rate "http://127.0.0.1:$nginx_port$index_path" 32 -H "Authorization: $authorization")
report "index GET (req/s)" "$a" "$n"

a=$(rate "http://127.0.0.1:$apkd_port$index_path" 32 -H "Authorization: $authorization" \
  -H "If-None-Match: $apkd_etag")
n=$(rate "http://127.0.0.1:$nginx_port$index_path" 32 -H "Authorization: $authorization" \
  -H "If-None-Match: $nginx_etag")
report "304 revalidation (req/s)" "$a" "$n"

export BENCH_AUTHORIZATION="$authorization"
a=$(rate "http://127.0.0.1:$apkd_port$index_path" 32 -s "$root/bench/alternate_auth.lua")
n=$(rate "http://127.0.0.1:$nginx_port$index_path" 32 -s "$root/bench/alternate_auth.lua")
report "401 + retry pair (req/s)" "$a" "$n"

size=$(stat -c %s "$work/big-1.0-r0.apk")
a=$(rate "http://127.0.0.1:$apkd_port/bench/x86_64/big-1.0-r0.apk" 4 -H "Authorization: $authorization")
n=$(rate "http://127.0.0.1:$nginx_port/bench/x86_64/big-1.0-r0.apk" 4 -H "Authorization: $authorization")
report "50 MB package GET (MB/s)" "$(ratio "$a*$size" 1e6)" "$(ratio "$n*$size" 1e6)"
