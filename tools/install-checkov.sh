#!/usr/bin/env bash
# Install checkov into a repo-local virtualenv (.venv-checkov), for developers who want it
# next to the checkout. tfgen itself needs none of this: it provisions the same pinned
# checkov in its cache on first use, or with `tfgen setup checkov` (what `make checkov`
# runs; see src/tfgen/check/checkov_env.py). checkov pins bc-python-hcl2, whose `hcl2`
# module would shadow python-hcl2 in tfgen's environment, so tfgen runs checkov as a
# subprocess from its own venv (src/tfgen/check/checkov.py finds this one too).
# The pin below must equal CHECKOV_REQUIREMENT in checkov_env.py (a test checks it).
#
# Usage: tools/install-checkov.sh [VENV_DIR]
#   VENV_DIR      default: $TFGEN_CHECKOV_VENV, else <repo root>/.venv-checkov
#   PYTHON        interpreter that creates the venv (default: python3, >= 3.9)
#   CHECKOV_SPEC  requirement to install (default: the pin below)
# Idempotent: returns at once when the venv already holds the pinned checkov.
# Prints the path of the checkov executable as its only stdout line.
set -euo pipefail

spec="${CHECKOV_SPEC:-checkov==3.3.30}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${1:-${TFGEN_CHECKOV_VENV:-$repo_root/.venv-checkov}}"
python="${PYTHON:-python3}"
stamp="$venv/.tfgen-checkov-spec"

if [[ -x "$venv/bin/checkov" && -f "$stamp" && "$(cat "$stamp")" == "$spec" ]]; then
    echo "$venv/bin/checkov"
    exit 0
fi

echo "installing $spec into $venv ..." >&2
if [[ ! -x "$venv/bin/python" ]]; then
    "$python" -m venv "$venv"
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! "$venv/bin/python" -m pip install --disable-pip-version-check "$spec" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "error: pip could not install $spec into $venv" >&2
    exit 1
fi
rm -f "$stamp"
version="$(CKV_SKIP_PACKAGE_UPDATE_CHECK=true "$venv/bin/checkov" --version)"
echo "checkov $version installed in $venv" >&2
printf '%s\n' "$spec" >"$stamp"
echo "$venv/bin/checkov"
