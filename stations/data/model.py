"""Derived views of the validated data: what each host government did, per country.

Kept apart from loading so that the filters, the map and the pages share one definition of
"strongest action" and "no action reported".
"""

from __future__ import annotations

import pandas as pd

from stations.data import vocab

_RANK = {action: rank for rank, action in enumerate(vocab.ACTION_TYPES)}


def country_actions(stations: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """One row per host country (iso2 index): its name, station count, actions and strongest one.

    A host country with no response row gets ``strongest_action == NO_ACTION`` and an empty
    action set, so "no action reported" is a value like any other.
    """
    hosts = (
        stations.groupby("iso2", sort=True)
        .agg(country=("country", "first"), stations=("station_id", "size"))
        .astype({"stations": "int64"})
    )
    if responses.empty:
        grouped = pd.DataFrame(
            index=hosts.index,
            columns=["actions", "strongest_action", "latest_date", "responses"],
        )
    else:
        ranked = responses.assign(_rank=responses["action_type"].map(_RANK))
        grouped = ranked.groupby("iso2").agg(
            actions=("action_type", lambda s: frozenset(s)),
            _best=("_rank", "min"),
            latest_date=("date", "max"),
            responses=("response_id", "size"),
        )
        grouped["strongest_action"] = grouped["_best"].map(lambda r: vocab.ACTION_TYPES[int(r)])
        grouped = grouped.drop(columns="_best")
    summary = hosts.join(grouped, how="left")
    none = summary["strongest_action"].isna()
    summary.loc[none, "strongest_action"] = vocab.NO_ACTION
    summary["actions"] = [a if isinstance(a, frozenset) else frozenset() for a in summary["actions"]]
    summary["latest_date"] = summary["latest_date"].fillna("")
    summary["responses"] = summary["responses"].fillna(0).astype("int64")
    return summary


def countries_with_action(summary: pd.DataFrame, actions: tuple[str, ...]) -> set[str]:
    """ISO codes of host countries that took any of ``actions`` (``NO_ACTION``: took none)."""
    wanted = set(actions)
    result: set[str] = set()
    for iso2, taken in summary["actions"].items():
        if taken & wanted or (vocab.NO_ACTION in wanted and not taken):
            result.add(str(iso2))
    return result


def action_counts(stations: pd.DataFrame, summary: pd.DataFrame) -> dict[str, int]:
    """How many of ``stations`` lie in a country that took each action (one station may count
    under several actions)."""
    per_country = stations["iso2"].value_counts()
    counts = {action: 0 for action in (*vocab.ACTION_TYPES, vocab.NO_ACTION)}
    for iso2, n in per_country.items():
        taken = summary.at[iso2, "actions"] if iso2 in summary.index else frozenset()
        for action in taken or (vocab.NO_ACTION,):
            counts[action] += int(n)
    return counts


def public_address(stations: pd.DataFrame) -> pd.Series:
    """The address a reader may see: never a private home's (the schema also forbids storing one)."""
    return stations["address"].where(~stations["private_residence"], "")
