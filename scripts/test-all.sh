#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what is missing (Debian peers, npm packages), typechecks, builds the
# CLI, then runs every test file. Extra arguments narrow the run to paths: `npm test -- src/tls`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
echo "typecheck: tsc --noEmit" >&2
npx tsc --noEmit -p .
node scripts/check-imports.mjs
node scripts/build.mjs
mkdir -p test-output
node scripts/run-tests.mjs "$@"
