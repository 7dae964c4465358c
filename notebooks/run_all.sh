#!/usr/bin/env bash
# Re-execute the workbook notebooks in place, then check that they reproduce (nbval).
#
#   notebooks/run_all.sh                 # all notebooks, on the bundled corpus/
#   notebooks/run_all.sh 02 04           # only the notebooks whose names start with 02, 04
#
# Run it from anywhere inside the repository after any change to src/analysis/, then
# re-read the markdown "Reading" cells against the new tables and commit the notebooks.
# Uses .venv/bin/python unless PYTHON is set.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"

if [ "$#" -eq 0 ]; then
  set -- 0
fi
notebooks=()
for prefix in "$@"; do
  for nb in notebooks/"$prefix"*.ipynb; do
    [ -e "$nb" ] && notebooks+=("$nb")
  done
done
if [ "${#notebooks[@]}" -eq 0 ]; then
  echo "no notebook matches: $*" >&2
  exit 2
fi

"$PY" -m ruff format --quiet "${notebooks[@]}"
for nb in "${notebooks[@]}"; do
  echo "executing $nb"
  "$PY" -m jupyter nbconvert --to notebook --execute --inplace \
    --ExecutePreprocessor.timeout=1800 --ExecutePreprocessor.record_timing=False \
    --log-level=ERROR "$nb"
done
"$PY" -m ruff check --quiet "${notebooks[@]}"
"$PY" -m pytest -q -p no:cacheprovider "${notebooks[@]}"
