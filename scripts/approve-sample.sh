#!/usr/bin/env bash
# Developers only: after changing the bundled sample's wording, templates,
# fonts or reviewer registry, sign off everything that is no longer approved,
# as the sample's two invented reviewers, with their DEMO keys from
# examples/demo-keys/ (public in this repository: never use them for real
# approvals).  A real force approves with its own people and keys through
# `handle-docs review approve … --key YOUR_KEY`.
#
# The date is pinned so that re-signing gives the same bytes (ed25519
# signatures are deterministic): the sample stays reproducible.
set -euo pipefail
cd "$(dirname "$0")/.."
export HANDLE_DOCS_TODAY="${SAMPLE_DATE:-2026-11-25}"
HD=.venv/bin/handle-docs
KEYS=examples/demo-keys
NOTE="Sample material: approved for the demo"
ids=$(.venv/bin/python - <<'PY'
from pathlib import Path
from handle_docs.wording.content import load_content
from handle_docs.review import reviewers_status, review_status
content = load_content(Path("content"))
registry = reviewers_status(content)
if not registry.approved:
    print("reviewers")
statuses, _ = review_status(content, registry=registry)
for status in statuses:
    if not status.approved:
        print(status.material_id)
PY
)
for id in $ids; do
  # The sample keeps no history: a changed material starts a fresh record, so
  # its file shows just the version the demo uses (the registry keeps its chain).
  [ "$id" = reviewers ] || rm -rf "review/$id.yaml" "review/$id.versions"
  $HD review approve "$id" --reviewer priya-lang --role comms-lead --key "$KEYS/priya-lang" --note "$NOTE"
  $HD review approve "$id" --reviewer tom-okoro --role neighbourhood-sergeant --key "$KEYS/tom-okoro" --note "$NOTE"
done
$HD review status
