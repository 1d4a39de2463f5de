#!/usr/bin/env bash
# Install and build the CLI from the action's own checkout (npm ci + npm run build -> dist/cli.js).
set -euo pipefail
cd "$GITHUB_ACTION_PATH"
npm ci --no-audit --no-fund
npm run build
test -f dist/cli.js
