#!/usr/bin/env bash
# Renders deploy/k8s and deploy/examples/* with kustomize (kubectl kustomize) and validates every object against the
# Kubernetes schemas of the npm package kubernetes-models, installed into a temporary folder that is removed on exit.
# Needs node and npm; without kubectl the files deploy/k8s/kustomization.yaml lists are validated as written (not
# rendered) and the examples are skipped. Run by hand; tests/Silo.Tests/Deployment checks the manifests against the
# code in CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
deploy=$(dirname "$here")
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm install --prefix "$work" --no-audit --no-fund --silent kubernetes-models@5 js-yaml@4 >/dev/null
cp "$here/validate.mjs" "$work/"
echo "schemas: kubernetes-models $(node -p "require('$work/node_modules/kubernetes-models/package.json').version")"
status=0
if ! command -v kubectl >/dev/null; then
  echo "== k8s (kubectl missing: the listed files as written, examples skipped)"
  for file in $(awk '/^resources:/ { on = 1; next } /^[^ ]/ { on = 0 } on && $1 == "-" { print $2 }' "$deploy/k8s/kustomization.yaml"); do
    cat "$deploy/k8s/$file"; echo "---"
  done > "$work/rendered.yaml"
  node "$work/validate.mjs" "$work/rendered.yaml" || status=1
  exit "$status"
fi
for dir in "$deploy/k8s" "$deploy"/examples/*/; do
  dir=${dir%/}
  echo "== ${dir#"$deploy"/}"
  kubectl kustomize "$dir" > "$work/rendered.yaml"
  node "$work/validate.mjs" "$work/rendered.yaml" || status=1
done
exit "$status"
