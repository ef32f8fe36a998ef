#!/usr/bin/env bash
# Quick start, step 1: install opendata into .venv and run the main job on the bundled samples
# (convert every document in samples/ into datapackages/, then validate the packages).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
.venv/bin/opendata convert samples/*.txt -o datapackages
.venv/bin/opendata validate datapackages/*/
