#!/usr/bin/env bash
# `make run`: starts apkd on the embedded default (SQLite + local files under demo/data) with a
# demo org, image and packages, prints how to use it with apk, and keeps serving until Ctrl-C.
# Usage: demo-serve.sh BUILD_DIR   (PORT=8080 and HOST=localhost may be overridden)
set -euo pipefail
build_dir=${1:-build/release}
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/$build_dir/src/app"
port=${PORT:-8080}
host=${HOST:-localhost}
url="http://$host:$port"
demo="$root/demo"
mkdir -p "$demo"

# 1. Demo packages, built with the offline tools (several versions, a noarch one, one the org is
#    not entitled to).
"$root/scripts/demo-offline.sh" "$build_dir" >/dev/null

# 2. The server. On the first start it prints the owner's secret once; keep it for the demo.
"$bin/apkd" serve --data-dir "$demo/data" --listen "127.0.0.1:$port" --public-url "$url" \
  >"$demo/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM
for _ in $(seq 100); do
  grep -q '^listening on' "$demo/serve.log" && break
  kill -0 $server 2>/dev/null || { cat "$demo/serve.log"; exit 1; }
  sleep 0.1
done
secret_line=$(grep -o 'apkds_[^ ]*' "$demo/serve.log" || true)
if [ -n "$secret_line" ]; then
  (umask 077; printf '%s\n' "$secret_line" >"$demo/owner.secret")
fi
export APKCTL_SERVER="$url" APKCTL_TOKEN
APKCTL_TOKEN=$(cat "$demo/owner.secret")
apkctl="$bin/apkctl"

# 3. Org, image, entitlement, catalog packages (idempotent: a second `make run` reuses them).
"$apkctl" iam organizations create demo >/dev/null 2>&1 || true
"$apkctl" images create demo-tools --packages hello,hello-doc >/dev/null
"$apkctl" entitlements add --org demo --image demo-tools >/dev/null 2>&1 || true
mkdir -p "$demo/src/extra"
printf 'not for the demo org\n' >"$demo/src/extra/README"
"$apkctl" build -o "$demo/repo/x86_64/extra-1.0-r0.apk" --sign-key "$(ls "$demo"/keys/demo-*.rsa)" \
  --name extra --version 1.0-r0 --arch x86_64 --description "not entitled" "$demo/src/extra" \
  2>/dev/null
"$apkctl" packages push "$demo"/repo/x86_64/*.apk 2>&1 | sed 's/^/  /'
pull=$(curl -sf -X POST -H "Authorization: Bearer $APKCTL_TOKEN" -d '{"name":"demo-pull"}' \
  "$url/api/v1/orgs/demo/pull-tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
kid=$(curl -sf "$url/demo/jwks.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["keys"][0]["kid"])')

cat <<USAGE

apkd is serving on $url (data in $demo/data). Repository of org "demo": $url/demo
It holds hello 1.0-r0, 1.1-r0, 1.2-r0 and hello-doc (noarch); "extra" is published but not
entitled to demo.

Use it with stock apk (Alpine or Wolfi, as root, on this machine):

  wget -O /etc/apk/keys/$kid.rsa.pub $url/demo/$kid.rsa.pub
  echo $url/demo >> /etc/apk/repositories
  export HTTP_AUTH=basic:$host:user:\$(APKCTL_SERVER=$url APKCTL_TOKEN=$(cat "$demo/owner.secret") $apkctl auth token --audience $host)
  apk update && apk search hello && apk policy hello && apk add hello

  # or with the org's long-lived pull token, also inside the repository URL:
  export HTTP_AUTH=basic:$host:user:$pull
  # curl works the same way:
  curl -u user:$pull $url/demo/x86_64/APKINDEX.tar.gz | tar tz

The owner's credentials, for apkctl (the secret is in $demo/owner.secret, mode 0600):

  export APKCTL_SERVER=$url APKCTL_TOKEN=$(cat "$demo/owner.secret")
  $apkctl packages list

Keys: the org's index key is $url/demo/$kid.rsa.pub (discovery: $url/demo/apk-configuration).
Press Ctrl-C to stop.
USAGE
wait $server
