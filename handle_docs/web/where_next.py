"""Where to patrol next, in the workspace: the force's neighbourhoods (LSOAs) ranked by vehicle crime over
the last 3 and 12 months, with the trend and when each was last patrolled, from the crime data the
workspace keeps (web/crimes.py), the patrols of content/operation.yaml and the patrols the workspace's runs
keep (services/run_patrol.py: every run's area on its patrol date, whoever made it), as ``handle-docs
hotspots`` ranks them (:func:`handle_docs.impact.hotspots.rank`,
:func:`handle_docs.outputs.hotspots.hotspots_context`); the whole ranking as a CSV download. police.uk data
and the runs' areas only: no record, no address.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, make_response, render_template, request

from handle_docs.impact.area import load_area_config, patrols
from handle_docs.impact.hotspots import rank
from handle_docs.models import ProblemsError
from handle_docs.outputs.hotspots import HOTSPOTS_CSV, hotspots_context, hotspots_csv
from handle_docs.services import run_patrol
from handle_docs.web.common import settings
from handle_docs.web.crimes import ROLES, crime_store
from handle_docs.web.identity import requires_role
from handle_docs.web.runs import store

bp = Blueprint("where_next", __name__, url_prefix="/where-next")


def _ranked():
    """(summary, hotspots, the forces in the data, the force ranked, operation.yaml's problems) or Nones."""
    kept = crime_store().load()
    if kept is None:
        return None, None, [], None, []
    summary, crimes = kept
    problems: list = []
    try:
        config, patrol_date, _doc = load_area_config(Path(settings().content))
        patrolled = patrols(config, patrol_date)
    except ProblemsError as exc:
        patrolled, problems = [], exc.problems
    patrolled += run_patrol.patrols(store(), crimes)
    forces = sorted(set(crimes.lsoa_force.values()) - {""})
    force = request.args.get("force")
    if force not in forces:
        force = forces[0] if len(forces) > 1 else None
    return summary, rank(crimes, patrolled, force), forces, force, problems


@bp.get("/")
@requires_role(*ROLES)
def index():
    summary, spots, forces, force, problems = _ranked()
    ctx = hotspots_context(spots) if spots is not None else None
    return render_template(
        "where_next.html",
        title="Where to patrol next",
        summary=summary,
        spots=ctx,
        forces=forces,
        force=force,
        technical=[str(p) for p in problems],
    )


@bp.get("/hotspots.csv")
@requires_role(*ROLES)
def download():
    _summary, spots, _forces, _force, _problems = _ranked()
    if spots is None:
        return render_template(
            "error.html", title="No crime data", message="No crime data has been uploaded yet."
        ), 404
    response = make_response(hotspots_csv(spots))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f"attachment; filename={HOTSPOTS_CSV}"
    return response
