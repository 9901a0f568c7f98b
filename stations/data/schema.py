"""The one schema of both data files, as pandera models.

The app's loader, the ``validate`` command and the tests all use these objects, so a rule
written here holds everywhere. Every check is vectorised (no Python call per cell) so that
validation stays cheap at 100,000 rows. A check's ``name`` is the message a reader sees, and
cross-column checks name the column they report with ``@<column>: <message>``.
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa
import pycountry

from stations.data import vocab

ISO2_CODES: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries)
# Kosovo has a user-assigned code that is widely used (and by the boundary data).
ISO2_CODES = ISO2_CODES | {"XK"}

STATION_ID = r"^[A-Z]{2}-[a-z0-9]+(?:-[a-z0-9]+)*-[0-9]+$"
RESPONSE_ID = r"^R[0-9]{3,}$"
PARTIAL_DATE = r"^[0-9]{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?)?$"
URL = re.compile(r"^https?://[^\s/$.?#][^\s|]*$", re.IGNORECASE)


def _valid_dates(series: pd.Series) -> pd.Series:
    """Partial ISO dates (YYYY, YYYY-MM, YYYY-MM-DD) that name a real day; empty is allowed."""
    text = series.astype("string").fillna("")
    shaped = text.str.fullmatch(PARTIAL_DATE).fillna(False)
    full = text.str.len() == 10
    parsed = pd.to_datetime(text.where(full & shaped), format="%Y-%m-%d", errors="coerce")
    real_day = ~full | parsed.notna()
    return (text == "") | (shaped & real_day)


def valid_sources(series: pd.Series) -> pd.Series:
    """One or more well-formed http(s) URLs separated by `` | ``."""
    text = series.astype("string").fillna("")
    parts = text.str.split(vocab.SOURCE_SEPARATOR, regex=False).explode()
    ok = parts.str.fullmatch(URL.pattern, case=False).fillna(False)
    per_row = ok.groupby(level=0).all()
    return (text != "") & per_row.reindex(series.index, fill_value=False)


def _text(*checks: pa.Check, required: bool = False) -> pa.Column:
    """A text column: empty cells are empty strings, never missing values."""
    all_checks = list(checks)
    if required:
        all_checks.insert(0, pa.Check(lambda s: s.str.strip() != "", name="must not be empty"))
    all_checks.append(
        pa.Check(
            lambda s: ~s.str.contains(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", regex=True),
            name="holds control characters",
        )
    )
    return pa.Column(str, checks=all_checks, nullable=False)


def _one_of(values: tuple[str, ...] | list[str], what: str) -> pa.Check:
    allowed = list(values)
    return pa.Check(lambda s: s.isin(allowed), name=f"unknown {what}; allowed: {', '.join(allowed)}")


def _iso2() -> pa.Column:
    codes = sorted(ISO2_CODES)
    return _text(
        pa.Check(lambda s: s.isin(codes), name="not an ISO 3166-1 alpha-2 code"),
        required=True,
    )


def _matches(pattern: str, name: str) -> pa.Check:
    return pa.Check(lambda s: s.str.fullmatch(pattern).fillna(False), name=name)


def _unique(name: str) -> pa.Check:
    return pa.Check(lambda s: ~s.duplicated(keep="first"), name=f"duplicate {name}")


def _sources() -> pa.Column:
    return _text(pa.Check(valid_sources, name="needs one or more http(s) URLs separated by ' | '"))


def _one_country_name() -> pa.Check:
    return pa.Check(_consistent_country, name="@country: another row gives this iso2 another country name")


def _consistent_country(df: pd.DataFrame) -> pd.Series:
    """One country name per ISO code, so that counts and filters never split a country."""
    first = df.groupby("iso2")["country"].transform("first")
    return df["country"] == first


def _id_prefix_matches(df: pd.DataFrame) -> pd.Series:
    return df["station_id"].str[:2] == df["iso2"]


def _private_has_no_address(df: pd.DataFrame) -> pd.Series:
    return ~df["private_residence"] | (df["address"].str.strip() == "")


def _private_not_below_city(df: pd.DataFrame) -> pd.Series:
    return ~df["private_residence"] | df["geo_precision"].isin(["city", "country", ""])


def _province_matches_bureau(df: pd.DataFrame) -> pd.Series:
    expected = df["bureau"].map(vocab.BUREAU_PROVINCE)
    named = expected.notna()
    unknown = df["bureau"] == "Unknown"
    return (
        (named & (df["bureau_province"] == expected))
        | (unknown & (df["bureau_province"] == ""))
        | (~named & ~unknown)
    )


def _coordinates_pair(df: pd.DataFrame) -> pd.Series:
    return df["lat"].isna() == df["lon"].isna()


def _precision_with_coordinates(df: pd.DataFrame) -> pd.Series:
    has = df["lat"].notna()
    return (has & df["geo_precision"].ne("") & df["geo_source"].ne("")) | (
        ~has & df["geo_precision"].eq("") & df["geo_source"].eq("")
    )


def _unpublished_city_is_country_level(df: pd.DataFrame) -> pd.Series:
    return (df["city"].str.strip() != "") | df["geo_precision"].isin(["country", ""])


def station_schema(require_coordinates: bool = True) -> pa.DataFrameSchema:
    """Schema of data/stations.csv.

    ``require_coordinates`` is on for the committed file (the app never geocodes); the
    geocoding command reads files whose new rows have no coordinates yet.
    """
    coordinate_checks = {
        "lat": [pa.Check.in_range(-90, 90)],
        "lon": [pa.Check.in_range(-180, 180)],
    }
    coord_columns = {
        name: pa.Column(float, checks=checks, nullable=not require_coordinates)
        for name, checks in coordinate_checks.items()
    }
    precision_values = list(vocab.GEO_PRECISIONS) + ([] if require_coordinates else [""])
    source_values = list(vocab.GEO_SOURCES) + ([] if require_coordinates else [""])
    return pa.DataFrameSchema(
        {
            "station_id": _text(
                _matches(
                    STATION_ID,
                    name="must look like NL-rotterdam-1: ISO2, lower-case ascii words, a number",
                ),
                _unique("station_id"),
                required=True,
            ),
            "country": _text(required=True),
            "iso2": _iso2(),
            "city": _text(),
            "city_zh": _text(),
            "address": _text(),
            "private_residence": pa.Column(bool, nullable=False),
            "bureau": _text(_one_of(vocab.BUREAUS, "bureau")),
            "bureau_district": _text(),
            "bureau_province": _text(),
            "wave": _text(_one_of(vocab.WAVES, "wave")),
            "host_organisation": _text(),
            "host_organisation_zh": _text(),
            "opened": _text(pa.Check(_valid_dates, name="not a date as YYYY, YYYY-MM or YYYY-MM-DD")),
            "status": _text(_one_of(vocab.STATUSES, "status")),
            **coord_columns,
            "geo_precision": _text(_one_of(precision_values, "geo_precision")),
            "geo_source": _text(_one_of(source_values, "geo_source")),
            "sources": _sources(),
            "confidence": _text(_one_of(vocab.CONFIDENCES, "confidence")),
            "notes": _text(),
        },
        checks=[
            _one_country_name(),
            pa.Check(_id_prefix_matches, name="@station_id: must start with the row's iso2"),
            pa.Check(
                _private_has_no_address,
                name="@address: must be empty for a private residence (never publish a home address)",
            ),
            pa.Check(
                _private_not_below_city,
                name="@geo_precision: a private residence is placed at city level at most",
            ),
            pa.Check(
                _province_matches_bureau,
                name="@bureau_province: does not match the bureau (Fuzhou: Fujian; Qingtian, Wenzhou: Zhejiang; Nantong: Jiangsu; Unknown: empty)",
            ),
            pa.Check(
                _coordinates_pair,
                name="@lon: lat and lon must both be given or both be empty",
            ),
            pa.Check(
                _precision_with_coordinates,
                name="@geo_precision: geo_precision and geo_source go with coordinates, and only with them",
            ),
            pa.Check(
                _unpublished_city_is_country_level,
                name="@geo_precision: a station whose city was not published is placed at country level",
            ),
        ],
        strict=True,
        ordered=True,
        coerce=False,
    )


def response_schema() -> pa.DataFrameSchema:
    """Schema of data/responses.csv (the cross-file rule is ``load.cross_file_problems``)."""
    return pa.DataFrameSchema(
        {
            "response_id": _text(
                _matches(RESPONSE_ID, name="must look like R001"),
                _unique("response_id"),
                required=True,
            ),
            "country": _text(required=True),
            "iso2": _iso2(),
            "date": _text(
                pa.Check(_valid_dates, name="not a date as YYYY, YYYY-MM or YYYY-MM-DD"),
                required=True,
            ),
            "actor": _text(required=True),
            "action_type": _text(_one_of(vocab.ACTION_TYPES, "action_type")),
            "summary": _text(required=True),
            "sources": _sources(),
            "confidence": _text(_one_of(vocab.CONFIDENCES, "confidence")),
            "notes": _text(),
        },
        checks=[
            _one_country_name(),
        ],
        strict=True,
        ordered=True,
        coerce=False,
    )
