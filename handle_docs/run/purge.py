"""Remove a run's personal data and keep its counts.

Letters (and their braille copies), the print batch, the sign-up follow-up
list and the delivery round sheet hold addresses and registrations; the manifest, rejects and warnings
reports, summary and stats hold only ids,
row numbers, reasons and counts, so reports and cost tables still work after
a purge.  A ``stats.json`` made by an older handle-docs, which counted free-text
items under their own words, has them counted as "other" instead.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from handle_docs.records.vocab import item_kind
from handle_docs.util import atomic

#: What holds personal data in a run folder.
PERSONAL = ("letters", "braille", "batch.pdf", "batch.docx", "follow-up.csv", "round-sheet.pdf")
#: What stays: no personal data in any of these.
KEPT = ("manifest.json", "manifest.csv", "rejects.csv", "warnings.csv", "summary.txt", "stats.json")


def _fold_items(stats_path: Path) -> None:
    """A ``stats.json`` made before items were counted by kind only (free-text items were
    counted under their own words): those words are counted as "other" instead."""
    try:
        stats = json.loads(stats_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    items = stats.get("items_by_kind") if isinstance(stats, dict) else None
    if not isinstance(items, dict) or all(item_kind(key) == key for key in items):
        return
    folded: Counter[str] = Counter()
    for key, count in items.items():
        folded[item_kind(key)] += count if isinstance(count, int) else 0
    stats["items_by_kind"] = dict(sorted(folded.items(), key=lambda kv: (-kv[1], kv[0])))
    atomic.write_text(stats_path, json.dumps(stats, indent=2, sort_keys=True) + "\n")


class NotARunFolder(Exception):
    pass


@dataclass
class PurgeResult:
    removed: list[str]
    kept: list[str]


def purge_run(run_dir: Path, when: dt.date | None = None) -> PurgeResult:
    run_dir = Path(run_dir)
    manifest_path = run_dir / "manifest.json"
    if not manifest_path.is_file():
        raise NotARunFolder(f"{run_dir} has no manifest.json: not a handle-docs run folder")
    removed = []
    for name in PERSONAL:
        path = run_dir / name
        if path.is_dir():
            shutil.rmtree(path)
            removed.append(name + "/")
        elif path.exists():
            path.unlink()
            removed.append(name)
    _fold_items(run_dir / "stats.json")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["personal_data_purged"] = (when or dt.date.today()).isoformat()
    atomic.write_text(manifest_path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    kept = [name for name in KEPT if (run_dir / name).exists()]
    return PurgeResult(removed, kept)
