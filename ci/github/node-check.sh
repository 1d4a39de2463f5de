#!/usr/bin/env bash
# Step output found=true when the runner already has Node.js 20 or newer, so setup-node is skipped.
set -euo pipefail
major=0
if command -v node >/dev/null 2>&1; then
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
fi
if [ "$major" -ge 20 ] 2>/dev/null; then
  echo "found=true" >> "$GITHUB_OUTPUT"
  echo "Node.js $(node --version) is there"
else
  echo "found=false" >> "$GITHUB_OUTPUT"
fi
