#!/usr/bin/env bash
# Regenerate the golden outputs after an intended change, then review `git diff`:
#   datapackages/  the bundled sample, converted (the README's main job)
#   schemas/       the Table Schemas generated from the catalogue
#   tests/golden/  every document of ../shared/corpus, converted (a fixed 'created' keeps them stable)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
corpus=../shared/corpus
$bin/opendata schemas >/dev/null
$bin/opendata convert samples/*.txt -o datapackages
rm -rf tests/golden && mkdir -p tests/golden
created=2000-01-01T00:00:00Z
for f in "$corpus"/text/*.txt "$corpus"/pdf/*.pdf; do
  $bin/opendata convert "$f" -o tests/golden --created "$created" >/dev/null
done
$bin/opendata convert --as-one "$corpus"/pdf/js-provincial-party-office-2019-budget-tables.pdf \
  "$corpus"/pdf/js-provincial-party-office-2019-budget-narrative.pdf -o tests/golden \
  --created "$created" >/dev/null
ls tests/golden
