#!/bin/sh
# Regenerate expected.yaml of every differential case with `kubectl kustomize`
# (kustomize v5.5). Run from the repository root.
set -e
for k in $(find tests/kustomize/cases -name kustomization.yaml | sort); do
  d=$(dirname "$k")
  # only directories whose expected output is tracked (the ones tests render)
  if [ -f "$d/.render" ]; then
    kubectl kustomize "$d" > "$d/expected.yaml"
  fi
done
