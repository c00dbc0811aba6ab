#!/usr/bin/env bash
# Build the PyPI wheel with maturin, install it in a fresh virtualenv and run it.
#   scripts/wheel.sh            # dev profile: reuses `cargo build` output (CI)
#   scripts/wheel.sh --release  # the wheel as published (release profile)
# Needs python3; installs maturin into a throwaway virtualenv when it is not on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=dev
[ "${1:-}" = "--release" ] && profile=release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

maturin=$(command -v maturin || true)
if [ -z "$maturin" ]; then
  python3 -m venv "$work/tools"
  "$work/tools/bin/pip" install --quiet maturin
  maturin="$work/tools/bin/maturin"
fi

t0=$(now)
"$maturin" build --quiet --profile "$profile" --out "$work/dist" >/dev/null
t1=$(now)
wheel=$(ls "$work"/dist/ftlint-*.whl)
echo "built $(basename "$wheel") ($(du -h "$wheel" | cut -f1)) in $(secs "$t0" "$t1") s"

# From a fresh virtualenv to a first check, as a new user would.
t2=$(now)
python3 -m venv "$work/venv"
t3=$(now)
"$work/venv/bin/pip" install --quiet --no-index "$wheel"
t4=$(now)
set +e
"$work/venv/bin/ftlint" check examples/flash-tickets-gitops --format short --quiet >/dev/null
status=$?
set -e
t5=$(now)
if [ "$status" -ne 1 ]; then
  echo "the installed ftlint exited $status on the example (expected 1: findings)" >&2
  exit 1
fi
"$work/venv/bin/ftlint" --version
echo "fresh virtualenv → first check: $(secs "$t2" "$t5") s (venv $(secs "$t2" "$t3") s, pip install $(secs "$t3" "$t4") s, check $(secs "$t4" "$t5") s)"
