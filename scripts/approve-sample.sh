#!/usr/bin/env bash
# Developers only: after changing the bundled sample's wording, templates or
# fonts, sign off every bundled material that is no longer approved, as the
# sample's two invented reviewers.  A real force approves with its own people
# through `handle-docs review approve`.
set -euo pipefail
cd "$(dirname "$0")/.."
HD=.venv/bin/handle-docs
ids=$(.venv/bin/python - <<'PY'
from pathlib import Path
from handle_docs.wording.content import load_content
from handle_docs.review import material_status
content = load_content(Path("content"))
for mid in sorted(content.materials):
    if not material_status(content, mid).approved:
        print(mid)
PY
)
for id in $ids; do
  $HD review approve "$id" --reviewer "Priya Lang" --role comms-lead --note "Sample material: approved for the demo"
  $HD review approve "$id" --reviewer "Sgt Tom Okoro" --role neighbourhood-sergeant --note "Sample material: approved for the demo"
done
$HD review status
