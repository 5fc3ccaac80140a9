#!/usr/bin/env bash
# Checks of the deployment files, run by `make lint`: each check runs where
# its tool exists and says so in one line where it does not.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v systemd-analyze >/dev/null 2>&1; then
  # verify wants ExecStart to exist: check a copy that points at a binary
  # every machine has, so the check does not depend on a build.
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  for u in deploy/*.service deploy/*.timer; do
    sed "s#/usr/local/bin/specbot#$(command -v true)#" "$u" >"$tmp/$(basename "$u")"
  done
  out=$(systemd-analyze verify "$tmp"/*.service "$tmp"/*.timer 2>&1 || true)
  if [ -n "$out" ]; then
    echo "deploy/: systemd-analyze verify:"; echo "$out"; exit 1
  fi
  echo "lint: deploy/*.service and deploy/*.timer verified by systemd-analyze"
else
  echo "lint: systemd-analyze not found, deploy/specbot.service not verified"
fi

if command -v hadolint >/dev/null 2>&1; then
  hadolint Dockerfile
  echo "lint: Dockerfile checked by hadolint"
else
  echo "lint: hadolint not found, Dockerfile not linted"
fi
