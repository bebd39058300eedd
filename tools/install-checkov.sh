#!/usr/bin/env bash
# Install checkov into its own virtualenv (it pins bc-python-hcl2, whose `hcl2`
# module would shadow python-hcl2 in tfgen's own environment).
#
# Usage: tools/install-checkov.sh [VENV_DIR]
#   VENV_DIR defaults to $TFGEN_CHECKOV_VENV, else <repo root>/.venv-checkov.
#   PYTHON (default: python3) picks the interpreter that creates the venv.
#   CHECKOV_SPEC overrides the pinned requirement (default below).
# Idempotent: exits at once when the venv already has the pinned checkov.
# Prints the path of the checkov executable on its last line.
set -euo pipefail

CHECKOV_SPEC="${CHECKOV_SPEC:-checkov==3.3.30}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${1:-${TFGEN_CHECKOV_VENV:-$repo_root/.venv-checkov}}"
python="${PYTHON:-python3}"
stamp="$venv/.tfgen-checkov-spec"

if [[ -x "$venv/bin/checkov" && -f "$stamp" && "$(cat "$stamp")" == "$CHECKOV_SPEC" ]]; then
    echo "$venv/bin/checkov"
    exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$CHECKOV_SPEC" >&2
"$venv/bin/checkov" --version >&2
printf '%s\n' "$CHECKOV_SPEC" > "$stamp"
echo "$venv/bin/checkov"
