#!/usr/bin/env bash
# Renders deploy/k8s and deploy/examples/* with kustomize (kubectl kustomize) and validates every object against the
# Kubernetes schemas of the npm package kubernetes-models, installed into a temporary folder that is removed on exit.
# Needs kubectl, node and npm. Run by hand; tests/Silo.Tests/Deployment checks the manifests against the code in CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
deploy=$(dirname "$here")
for tool in kubectl node npm; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm install --prefix "$work" --no-audit --no-fund --silent kubernetes-models@5 js-yaml@4 >/dev/null
cp "$here/validate.mjs" "$work/"
echo "schemas: kubernetes-models $(node -p "require('$work/node_modules/kubernetes-models/package.json').version")"
status=0
for dir in "$deploy/k8s" "$deploy"/examples/*/; do
  dir=${dir%/}
  echo "== ${dir#"$deploy"/}"
  kubectl kustomize "$dir" > "$work/rendered.yaml"
  node "$work/validate.mjs" "$work/rendered.yaml" || status=1
done
exit "$status"
