#!/usr/bin/env bash
# Developers only: after changing the bundled sample's wording, templates,
# fonts or reviewer registry, sign off everything that is no longer approved,
# as the sample's invented reviewers, with their DEMO keys from
# examples/demo-keys/ (public in this repository: never use them for real
# approvals).  A translation is signed by the comms lead and by the invented
# translator for its language (the role review-policy.yaml translator_roles
# names); everything else by the comms lead and the sergeant.
# A real force approves with its own people and keys through
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
# the approval rules (content/review-policy.yaml) as they are now, named in the
# reviewer registry: a change of rules is approved with the registry below
$HD reviewers rules >/dev/null
# one line per unapproved material: its id, then the second reviewer and role
todo=$(.venv/bin/python - <<'PY'
from pathlib import Path
from handle_docs.wording.content import load_content
from handle_docs.review import reviewers_status, review_status
from handle_docs.review.policy import load_policy
content = load_content(Path("content"))
policy, _ = load_policy(content.root)
registry = reviewers_status(content)
if not registry.approved:
    print("reviewers tom-okoro neighbourhood-sergeant")
people = registry.current.data.reviewers
statuses, _ = review_status(content, registry=registry)
for status in statuses:
    if status.approved:
        continue
    spec = content.material(status.material_id).spec
    role = policy.translator_role(spec.language) if spec.translation_of else None
    second = next((rid for rid, r in people.items() if role in r.roles), None) if role else None
    print(status.material_id, second or "tom-okoro", (role if second else None) or "neighbourhood-sergeant")
PY
)
while read -r id second role; do
  [ -n "$id" ] || continue
  # The sample keeps no history: a changed material starts a fresh record, so
  # its file shows just the version the demo uses (the registry keeps its chain).
  [ "$id" = reviewers ] || rm -rf "review/$id.yaml" "review/$id.versions"
  $HD review approve "$id" --reviewer priya-lang --role comms-lead --key "$KEYS/priya-lang" --note "$NOTE"
  $HD review approve "$id" --reviewer "$second" --role "$role" --key "$KEYS/$second" --note "$NOTE"
done <<< "$todo"
$HD review status
