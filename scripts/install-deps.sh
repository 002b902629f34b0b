#!/usr/bin/env bash
# Installs the Debian 12 packages apkd needs to build, test and run. Idempotent: packages that are
# already installed are skipped, and apt is not touched at all when nothing is missing.
# Usage: scripts/install-deps.sh [build|test|run]...   (default: build test)
set -euo pipefail

build_pkgs=(cmake make g++ pkg-config libssl-dev zlib1g-dev libgtest-dev libgmock-dev
            libbenchmark-dev libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
            libsqlite3-dev libcurl4-openssl-dev libsodium-dev)
# Independent checkers used by the tests, and clang for the sanitized and fuzz builds; curl drives
# the HTTP server tests, wrk and nginx-light (the reference server) the HTTP benchmarks; sqlite3
# (the CLI) checks the metadata database from outside; argon2 (the reference implementation's CLI)
# checks password hashes.
test_pkgs=(clang-14 libclang-rt-14-dev python3 tar gzip openssl coreutils curl wrk nginx-light
           sqlite3 argon2)
run_pkgs=()

wanted=()
for group in "${@:-build test}"; do
  for g in $group; do
    case "$g" in
      build) wanted+=("${build_pkgs[@]}") ;;
      test) wanted+=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
      run) wanted+=("${build_pkgs[@]}" "${run_pkgs[@]}") ;;
      *) echo "install-deps: unknown group '$g'" >&2; exit 2 ;;
    esac
  done
done

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
