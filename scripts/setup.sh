#!/usr/bin/env bash
# Sets evmgpu up on a fresh Debian bookworm machine: system packages (lavapipe),
# node modules, build. Idempotent: each step is skipped when already done, so a
# second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then
  bash scripts/setup-system.sh
elif command -v sudo >/dev/null 2>&1; then
  sudo bash scripts/setup-system.sh
else
  bash scripts/setup-system.sh
fi

# npm ci wipes node_modules; only run it when the lock file changed since the last install.
stamp=node_modules/.evmgpu-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "setup: node_modules up to date"
else
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi

npm run --silent build
echo "setup: built dist/"
