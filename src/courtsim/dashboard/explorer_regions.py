"""The explorer's region selector: one region's KPIs, or all regions together.

A run of a scenario of several courts (``scenarios/kz_regions_2024.yaml``: the 20 regions)
records each region's KPIs (``Result.region_kpis``, as ``courtsim run --region`` shows
them). The selector shows the cards and the KPI table of one region, summarised over the
replications like the whole; the charts stay those of all regions (the daily series and
the times to disposition are national).
"""

from __future__ import annotations

from typing import Any

from courtsim.dashboard.live import Replications
from courtsim.dashboard.region_map import SHORT_NAMES
from courtsim.dashboard.tables import summarise_kpis
from courtsim.i18n import N_, _

#: The selector's value for every region together.
ALL = "all"
ALL_REGIONS = N_("All regions")
REGION_NOTE = N_(
    "{region}: the cards and the table are this region's KPIs, summarised over the "
    "replications (KPIs that need national-only series are left out); the charts show all "
    "regions."
)


def region_name(region: str) -> str:
    """Return a region's name in the language in force (a court key not on the map as written)."""
    return _(SHORT_NAMES[region]) if region in SHORT_NAMES else region


def regions_of(reps: Replications) -> list[str]:
    """Return the regions of a run, in the scenario's order (empty for one court)."""
    if not len(reps.regions):
        return []
    return list(dict.fromkeys(reps.regions["region"].astype(str)))


def region_options(reps: Replications) -> dict[str, Any]:
    """Return the selector's options (in the language in force) and its box's style."""
    regions = regions_of(reps)
    if len(regions) < 2:
        return {"region_options": [], "region_style": {"display": "none"}}
    options = [{"label": _(ALL_REGIONS), "value": ALL}]
    options += [{"label": region_name(r), "value": r} for r in regions]
    return {"region_options": options, "region_style": {}}


def region_view(reps: Replications, region: Any) -> dict[str, Any] | None:
    """Return the cards, KPI table and note of one region (None: all regions, or unknown).

    Args:
        reps: The explorer's replications.
        region: The selector's value.

    Returns:
        ``cards``, ``table`` and ``region_note``, in the language in force.
    """
    from courtsim.dashboard.handlers import kpi_tables
    from courtsim.dashboard.layout import kpi_cards, message

    if not isinstance(region, str) or region == ALL or region not in regions_of(reps):
        return None
    rows = reps.regions[reps.regions["region"].astype(str) == region]
    summary = summarise_kpis(rows.drop(columns=["region"]))
    return {
        "cards": kpi_cards(summary),
        "table": kpi_tables(summary),
        "region_note": message(_(REGION_NOTE).format(region=region_name(region)), "info"),
    }
