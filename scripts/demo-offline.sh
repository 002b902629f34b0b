#!/usr/bin/env bash
# Builds a small signed repository with the offline apkctl tools (keygen, build, index, verify,
# info, version) under demo/, and prints how to use it with apk. Usage: demo-offline.sh BUILD_DIR
set -euo pipefail
build_dir=${1:-build/release}
root=$(cd "$(dirname "$0")/.." && pwd)
apkctl="$root/$build_dir/src/app/apkctl"
demo="$root/demo"
arch=x86_64

rm -rf "$demo"
mkdir -p "$demo/keys" "$demo/src" "$demo/repo/$arch"
"$apkctl" keygen demo -o "$demo/keys" >/dev/null
key=$(ls "$demo/keys"/demo-*.rsa)
export SOURCE_DATE_EPOCH=1700000000

make_tree() {  # make_tree DIR FILE CONTENT
  mkdir -p "$(dirname "$1/$2")"
  printf '%s\n' "$3" >"$1/$2"
}
for v in 1.0-r0 1.1-r0 1.2-r0; do
  make_tree "$demo/src/hello-$v" usr/share/hello/greeting "hello from apkd demo $v"
  "$apkctl" build -o "$demo/repo/$arch/hello-$v.apk" --sign-key "$key" --name hello \
    --version "$v" --arch "$arch" --description "demo greeting, version $v" --license MIT \
    --url https://example.com/hello --depend hello-doc "$demo/src/hello-$v" 2>/dev/null
done
make_tree "$demo/src/hello-doc" usr/share/doc/hello/README "Documentation for the demo."
"$apkctl" build -o "$demo/repo/$arch/hello-doc-1.0-r0.apk" --sign-key "$key" --name hello-doc \
  --version 1.0-r0 --arch noarch --description "demo documentation (noarch)" --license MIT \
  "$demo/src/hello-doc" 2>/dev/null

"$apkctl" index -o "$demo/repo/$arch/APKINDEX.tar.gz" --sign-key "$key" --rewrite-arch "$arch" \
  --description "apkd offline demo" "$demo/repo/$arch"/*.apk
echo
"$apkctl" verify --keys-dir "$demo/keys" "$demo/repo/$arch"/*
echo
echo "The noarch package, as the x86_64 index lists it:"
"$apkctl" info --rewrite-arch "$arch" "$demo/repo/$arch/hello-doc-1.0-r0.apk"
echo "apkctl version 1.2-r0 1.10-r0 says: $("$apkctl" version 1.2-r0 1.10-r0)"

cat <<USAGE

A signed repository is ready in $demo/repo (key: $(basename "$key").pub).
Use it with stock apk on an Alpine or Wolfi machine (as root):

  cp $key.pub /etc/apk/keys/
  apk add --repository $demo/repo hello
  apk policy hello        # lists 1.0-r0, 1.1-r0, 1.2-r0

This demo uses the offline tools only; "make run" serves the same packages with apkd.
USAGE
