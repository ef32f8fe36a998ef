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
# one folder per input (named after it), so that packages of the same disclosure don't collide
for f in "$corpus"/text/*.txt "$corpus"/pdf/*.pdf; do
  name=$(basename "${f%.*}")
  # exit 1 (the document has reader errors) still writes its package: it is kept, errors and all
  $bin/opendata convert "$f" -o "tests/golden/$name" --created "$created" >/dev/null || [ $? -eq 1 ]
done
tables="$corpus"/pdf/js-provincial-party-office-2019-budget-tables.pdf
narrative="$corpus"/pdf/js-provincial-party-office-2019-budget-narrative.pdf
$bin/opendata convert --as-one "$tables" "$narrative" --created "$created" \
  -o tests/golden/js-provincial-party-office-2019-budget-tables+js-provincial-party-office-2019-budget-narrative >/dev/null
# the N-Triples and JSON-LD graphs are the Turtle graph serialised again: their bytes are pinned by
# the hashes in each golden datapackage.json, so they are not kept here (they are large)
find tests/golden -path '*/rdf/graph.nt' -delete -o -path '*/rdf/graph.jsonld' -delete
ls tests/golden
