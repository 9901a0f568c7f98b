"""Turning raw figures into medians, ratios, target verdicts and bench/RESULTS.md.

Targets are reported as met / not met / not measured; they never fail the run.
"""

from __future__ import annotations

import statistics
from typing import Any

from bench import server_report

#: Every figure the summary holds for one size; the smoke test checks that each one is there.
FIGURES = (
    "load_validate_s",
    "filter_ms",
    "map_build_render_s",
    "naive_build_render_s",
    "map_payload_bytes",
    "map_html_bytes",
    "empty_map_payload_bytes",
    "geojson_bytes",
    "naive_payload_bytes",
    "apptest_cold_s",
    "apptest_warm_s",
    "apptest_rerun_s",
    "apptest_component_bytes",
    "naive_apptest_warm_s",
    "naive_apptest_rerun_s",
    "browser_first_load_s",
    "browser_load_s",
    "browser_ws_bytes",
    "browser_iframe_bytes",
    "reference_browser_load_s",
    "reference_ws_bytes",
    "reference_iframe_bytes",
    "elements_browser_load_s",
    "browser_external_requests",
    "browser_page_errors",
    "naive_browser_load_s",
    "pan_zoom_rerun_requests",
    "pan_zoom_reruns",
    "naive_pan_zoom_rerun_requests",
    "naive_pan_zoom_reruns",
    "steps_peak_rss_mb",
    "apptest_peak_rss_mb",
    "server_peak_rss_mb",
)
BROWSER_FIGURES = tuple(f for f in FIGURES if "browser" in f or "pan_zoom" in f or f == "server_peak_rss_mb")


def _med(value: Any) -> float | None:
    if isinstance(value, list):
        return statistics.median(value) if value else None
    if isinstance(value, bool):
        return float(value)
    return float(value) if isinstance(value, int | float) else None


def _why(block: dict[str, Any] | None) -> str | None:
    if block is None:
        return "not run"
    return block.get("error") or block.get("skipped")


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def summarise(results: dict[str, Any]) -> dict[str, Any]:
    """Medians per size, ratios to the floor and to the naive page, and the targets."""
    floor_at = results["floor"].get("apptest", {})
    floor_br = results["floor"].get("browser", {})
    floor = {
        "apptest_cold_s": _med(floor_at.get("cold_s")),
        "apptest_warm_s": _med(floor_at.get("warm_s")),
        "apptest_rerun_s": _med(floor_at.get("rerun_s")),
        "browser_load_s": _med(floor_br.get("warm_load_median_s")),
        "browser_first_load_s": _med(floor_br.get("first_load_s")),
        "server_peak_rss_mb": _med(floor_br.get("server_peak_rss_mb")),
        "apptest_peak_rss_mb": _med(floor_at.get("peak_rss_mb")),
        # The page's elements with no data behind them (bench/apps/elements.py), if measured.
        "elements_cold_s": _med(results.get("elements", {}).get("apptest", {}).get("cold_s")),
        "elements_warm_s": _med(results.get("elements", {}).get("apptest", {}).get("warm_s")),
        "elements_rerun_s": _med(results.get("elements", {}).get("apptest", {}).get("rerun_s")),
    }
    sizes: dict[int, dict[str, Any]] = {}
    for n, entry in results["sizes"].items():
        steps = entry.get("steps", {})
        naive = entry.get("naive_steps", {})
        at = entry.get("apptest", {})
        nat = entry.get("naive_apptest", {})
        br = entry.get("browser", {})
        nbr = entry.get("naive_browser", {})
        rbr = entry.get("reference_browser", {})
        ebr = entry.get("elements_browser", {})
        fig: dict[str, Any] = {
            "load_validate_s": _med(steps.get("load_validate_s")),
            "filter_ms": (_med(steps.get("filter_s")) or 0) * 1000 if "filter_s" in steps else None,
            "map_build_render_s": _med(steps.get("map_build_render_s")),
            "naive_build_render_s": _med(naive.get("naive_build_render_s")),
            "map_payload_bytes": _med(steps.get("map_payload_bytes")),
            "map_html_bytes": _med(steps.get("map_html_bytes")),
            "empty_map_payload_bytes": _med(steps.get("empty_map_payload_bytes")),
            "geojson_bytes": _med(steps.get("geojson_bytes")),
            "naive_payload_bytes": _med(naive.get("naive_payload_bytes")),
            "apptest_cold_s": _med(at.get("cold_s")),
            "apptest_warm_s": _med(at.get("warm_s")),
            "apptest_rerun_s": _med(at.get("rerun_s")),
            "apptest_component_bytes": _med(at.get("component_bytes")),
            "naive_apptest_warm_s": _med(nat.get("warm_s")),
            "naive_apptest_rerun_s": _med(nat.get("rerun_s")),
            "browser_first_load_s": _med(br.get("first_load_s")),
            "browser_load_s": _med(br.get("warm_load_median_s")),
            "browser_ws_bytes": _med(br.get("ws_bytes")),
            "browser_iframe_bytes": _med(br.get("iframe_bytes")),
            "reference_browser_load_s": _med(rbr.get("warm_load_median_s")),
            "reference_ws_bytes": _med(rbr.get("ws_bytes")),
            "reference_iframe_bytes": _med(rbr.get("iframe_bytes")),
            "elements_browser_load_s": _med(ebr.get("warm_load_median_s")),
            "browser_external_requests": _med(br.get("external_requests")),
            "browser_page_errors": len(br["page_errors"]) if "page_errors" in br else None,
            "naive_browser_load_s": _med(nbr.get("warm_load_median_s")),
            "pan_zoom_rerun_requests": _med(br.get("pan_zoom_rerun_requests")),
            "pan_zoom_reruns": _med(br.get("pan_zoom_reruns")),
            "naive_pan_zoom_rerun_requests": _med(nbr.get("pan_zoom_rerun_requests")),
            "naive_pan_zoom_reruns": _med(nbr.get("pan_zoom_reruns")),
            "steps_peak_rss_mb": _med(steps.get("peak_rss_mb")),
            "apptest_peak_rss_mb": _med(at.get("peak_rss_mb")),
            "server_peak_rss_mb": _med(br.get("server_peak_rss_mb")),
        }
        problems = {
            name: why
            for name, why in (
                ("steps", _why(steps)),
                ("naive_steps", _why(naive)),
                ("apptest", _why(at)),
                ("naive_apptest", _why(nat)),
                ("browser", _why(br) if "browser" in entry else results.get("browser_skipped", "not run")),
                (
                    "naive_browser",
                    _why(nbr) if "naive_browser" in entry else results.get("browser_skipped", "not run"),
                ),
                (
                    "reference_browser",
                    _why(rbr) if "reference_browser" in entry else results.get("browser_skipped", "not run"),
                ),
                (
                    "elements_browser",
                    _why(ebr) if "elements_browser" in entry else results.get("browser_skipped", "not run"),
                ),
            )
            if why
        }
        fig["ratios"] = {
            "apptest_cold_x_floor": _ratio(fig["apptest_cold_s"], floor["apptest_cold_s"]),
            "apptest_warm_x_floor": _ratio(fig["apptest_warm_s"], floor["apptest_warm_s"]),
            "apptest_rerun_x_floor": _ratio(fig["apptest_rerun_s"], floor["apptest_rerun_s"]),
            "apptest_warm_x_naive": _ratio(fig["apptest_warm_s"], fig["naive_apptest_warm_s"]),
            "apptest_rerun_x_naive": _ratio(fig["apptest_rerun_s"], fig["naive_apptest_rerun_s"]),
            "build_x_naive": _ratio(fig["map_build_render_s"], fig["naive_build_render_s"]),
            "payload_x_naive": _ratio(fig["map_payload_bytes"], fig["naive_payload_bytes"]),
            "payload_x_geojson": _ratio(fig["map_payload_bytes"], fig["geojson_bytes"]),
            "payload_less_empty_x_geojson": _ratio(
                (fig["map_payload_bytes"] or 0) - (fig["empty_map_payload_bytes"] or 0)
                if fig["map_payload_bytes"] is not None
                else None,
                fig["geojson_bytes"],
            ),
            "browser_x_floor": _ratio(fig["browser_load_s"], floor["browser_load_s"]),
            "browser_x_naive": _ratio(fig["browser_load_s"], fig["naive_browser_load_s"]),
            "browser_x_reference": _ratio(fig["browser_load_s"], fig["reference_browser_load_s"]),
            "browser_x_elements": _ratio(fig["browser_load_s"], fig["elements_browser_load_s"]),
            "elements_x_reference": _ratio(fig["elements_browser_load_s"], fig["reference_browser_load_s"]),
        }
        fig["problems"] = problems
        sizes[int(n)] = fig
    return {"floor": floor, "sizes": sizes, "targets": targets(floor, sizes)}


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("met" if ok else "NOT met")


def targets(floor: dict[str, Any], sizes: dict[int, dict[str, Any]]) -> list[dict[str, str]]:
    """The issue's targets, each with its verdict and the figures it was judged on."""
    out: list[dict[str, str]] = []
    smallest = min(sizes) if sizes else None

    def add(name: str, ok: bool | None, detail: str) -> None:
        out.append({"target": name, "verdict": _verdict(ok), "detail": detail})

    if smallest is not None:
        rerun, base = sizes[smallest]["apptest_rerun_s"], floor["apptest_rerun_s"]
        ok = None if rerun is None or not base else rerun <= 3 * base
        add(
            f"Rerun after a filter change at {smallest:,} stations within 3x the floor's rerun",
            ok,
            f"{_s(rerun)} vs floor {_s(base)} ({_x(_ratio(rerun, base))})"
            + (
                f"; the page's elements alone, with no data work, rerun in {_s(floor['elements_rerun_s'])} "
                f"({_x(_ratio(floor['elements_rerun_s'], base))})"
                if floor.get("elements_rerun_s")
                else ""
            ),
        )
    for n, limit in ((102, 1.1), (10_000, 1.3)):
        fig = sizes.get(n)
        name = f"{n:,} stations: first marker within {limit}x the one-marker st_folium page" + (
            ", and no slower than the naive page" if n == 102 else ""
        )
        if not fig:
            add(name, None, f"size {n:,} not in this run")
            continue
        ratio, naive = fig["ratios"]["browser_x_reference"], fig["naive_browser_load_s"]
        ok = None if ratio is None else ratio <= limit
        if n == 102 and ok is not None:
            ok = None if naive is None else ok and fig["browser_load_s"] <= naive
        add(
            name,
            ok,
            f"median {_s(fig['browser_load_s'])} vs reference {_s(fig['reference_browser_load_s'])} ({_x2(ratio)})"
            + (f"; naive page {_s(naive)}" if n == 102 else ""),
        )
    big = sizes.get(10_000)
    if big:
        warm, rerun = big["apptest_warm_s"], big["apptest_rerun_s"]
        ok = None if warm is None or rerun is None else warm < 0.5 and rerun < 0.5
        add(
            "10,000 stations: under 0.5 s of script time (new session with warm cache, and filter rerun)",
            ok,
            f"new session {_s(warm)}, filter rerun {_s(rerun)}; cold (loads+validates) {_s(big['apptest_cold_s'])}",
        )
        load = big["browser_load_s"]
        failed = big["problems"].get("browser", "")
        timed_out = load is None and "Timeout" in failed
        errors = big["browser_page_errors"]
        if errors:
            failed = f"{errors} script errors on the page"
        add(
            "10,000 stations: markers drawn in under 3 s in the browser",
            False if timed_out or errors else (None if load is None else load < 3),
            f"not drawn before the wait ended: {failed}"
            if timed_out
            else failed
            if errors
            else f"median {_s(load)} (first load, cold server cache: {_s(big['browser_first_load_s'])})",
        )
    else:
        add("10,000 stations: under 0.5 s of script time", None, "size 10,000 not in this run")
        add("10,000 stations: markers drawn in under 3 s in the browser", None, "size 10,000 not in this run")
    verdicts, parts = [], []
    for n, fig in sorted(sizes.items()):
        payload, geo, empty = fig["map_payload_bytes"], fig["geojson_bytes"], fig["empty_map_payload_bytes"]
        if None in (payload, geo, empty):
            continue
        ok = payload <= 2 * geo + empty
        verdicts.append(ok)
        parts.append(f"{n:,}: {_b(payload)} vs 2x{_b(geo)}+{_b(empty)} ({'ok' if ok else 'over'})")
    add(
        "Map HTML at most 2x the GeoJSON of the stations shown, plus the 0-station map",
        all(verdicts) if verdicts else None,
        "; ".join(parts) or "no sizes measured",
    )
    counts = {
        n: fig["pan_zoom_rerun_requests"]
        for n, fig in sizes.items()
        if fig["pan_zoom_rerun_requests"] is not None
    }
    finished = {n: fig["pan_zoom_reruns"] for n, fig in sizes.items() if fig["pan_zoom_reruns"] is not None}
    add(
        "Zero reruns from panning and zooming",
        (all(v == 0 for v in counts.values()) and all(v == 0 for v in finished.values())) if counts else None,
        ", ".join(
            f"{n:,}: {int(v)} requests / {int(finished.get(n, 0))} runs" for n, v in sorted(counts.items())
        )
        or "browser part not run",
    )
    huge = sizes.get(100_000)
    if huge:
        failed = {k: v for k, v in huge["problems"].items() if not k.startswith("naive")}
        if huge["browser_page_errors"]:
            failed["browser"] = f"{huge['browser_page_errors']} script errors on the page"
        add(
            "100,000 stations run to completion without exhausting memory",
            not failed,
            f"peak RSS: steps {_mb(huge['steps_peak_rss_mb'])}, AppTest {_mb(huge['apptest_peak_rss_mb'])}, "
            f"server {_mb(huge['server_peak_rss_mb'])}" + (f"; problems: {failed}" if failed else ""),
        )
    else:
        add("100,000 stations run to completion", None, "size 100,000 not in this run")
    return out


def _s(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s"


def _x(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}x"


def _x2(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}x"


def _b(v: float | None) -> str:
    if v is None:
        return "-"
    if v >= 2**20:
        return f"{v / 2**20:.2f} MiB"
    return f"{v / 1024:.1f} KiB" if v >= 1024 else f"{int(v)} B"


def _mb(v: float | None) -> str:
    return "-" if v is None else f"{v:,.0f} MiB"


def _n(v: float | None) -> str:
    return "-" if v is None else f"{int(v)}"


ROWS: tuple[tuple[str, str, Any], ...] = (
    ("Load + validate (check_dataset)", "load_validate_s", _s),
    ("Filter (country=NL), Filters.apply", "filter_ms", lambda v: "-" if v is None else f"{v:.2f} ms"),
    ("Map build + render to HTML", "map_build_render_s", _s),
    ("  naive build + render (Marker+popup each)", "naive_build_render_s", _s),
    ("  ratio to naive", ("ratios", "build_x_naive"), _x),
    ("Map sent to the browser (st_folium script+header+html)", "map_payload_bytes", _b),
    ("  standalone map HTML (get_root().render())", "map_html_bytes", _b),
    ("  st_folium json_args seen in AppTest", "apptest_component_bytes", _b),
    ("  0-station map (fixed overhead)", "empty_map_payload_bytes", _b),
    ("  GeoJSON of the stations shown", "geojson_bytes", _b),
    ("  (map - overhead) / GeoJSON", ("ratios", "payload_less_empty_x_geojson"), _x),
    ("  naive map sent", "naive_payload_bytes", _b),
    ("  ratio to naive", ("ratios", "payload_x_naive"), _x),
    ("AppTest cold run (cache cleared)", "apptest_cold_s", _s),
    ("  ratio to floor", ("ratios", "apptest_cold_x_floor"), _x),
    ("AppTest new session, warm cache", "apptest_warm_s", _s),
    ("  ratio to floor", ("ratios", "apptest_warm_x_floor"), _x),
    ("  ratio to naive", ("ratios", "apptest_warm_x_naive"), _x),
    ("AppTest rerun after filter change", "apptest_rerun_s", _s),
    ("  ratio to floor", ("ratios", "apptest_rerun_x_floor"), _x),
    ("  ratio to naive", ("ratios", "apptest_rerun_x_naive"), _x),
    ("  naive: new session / filter rerun", ("naive_apptest_warm_s", "naive_apptest_rerun_s"), None),
    ("Browser: markers drawn, first load (cold server)", "browser_first_load_s", _s),
    ("Browser: markers drawn, median of later loads", "browser_load_s", _s),
    ("  ratio to floor", ("ratios", "browser_x_floor"), _x),
    ("  one-marker st_folium page (reference), median", "reference_browser_load_s", _s),
    ("  ratio to the reference", ("ratios", "browser_x_reference"), _x2),
    (
        "  elements reference (the page's elements, one-marker map, no data), median",
        "elements_browser_load_s",
        _s,
    ),
    (
        "    its ratio to the one-marker reference (the stack's cost of the elements)",
        ("ratios", "elements_x_reference"),
        _x2,
    ),
    ("  ratio to the elements reference", ("ratios", "browser_x_elements"), _x2),
    ("  naive page, median", "naive_browser_load_s", _s),
    ("  ratio to naive", ("ratios", "browser_x_naive"), _x),
    ("  websocket bytes received per page load", "browser_ws_bytes", _b),
    (
        "  bytes into the map's iframe per load (document, scripts, styles, images)",
        "browser_iframe_bytes",
        _b,
    ),
    (
        "  reference: websocket / iframe bytes per load",
        ("reference_ws_bytes", "reference_iframe_bytes"),
        "bytes",
    ),
    ("  requests leaving loopback (blocked)", "browser_external_requests", _n),
    ("  script errors on the page (all loads)", "browser_page_errors", _n),
    ("Pan/zoom (7 gestures): rerun requests / runs", ("pan_zoom_rerun_requests", "pan_zoom_reruns"), None),
    ("  naive: rerun requests / runs", ("naive_pan_zoom_rerun_requests", "naive_pan_zoom_reruns"), None),
    ("Peak RSS: steps process", "steps_peak_rss_mb", _mb),
    ("Peak RSS: AppTest process", "apptest_peak_rss_mb", _mb),
    ("Peak RSS: Streamlit server (VmHWM)", "server_peak_rss_mb", _mb),
)


def _cell(fig: dict[str, Any], key: Any, fmt: Any) -> str:
    if isinstance(key, tuple) and key[0] == "ratios":
        return fmt(fig["ratios"].get(key[1]))
    if isinstance(key, tuple):
        a, b = fig.get(key[0]), fig.get(key[1])
        if fmt == "bytes":
            return f"{_b(a)} / {_b(b)}"
        if fmt is None and key[0].endswith("_s"):
            return f"{_s(a)} / {_s(b)}"
        return f"{_n(a)} / {_n(b)}"
    return fmt(fig.get(key))


def markdown(results: dict[str, Any]) -> str:
    """RESULTS.md: machine, command, the table (rows: figures, columns: sizes), targets, notes."""
    summary = results["summary"]
    sizes = sorted(summary["sizes"])
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Command: `{results['command']}` · date: {results['date']} · medians of {results['repeat']} runs "
        f"(browser: {results['repeat']} loads after a first, cold one) · filter used: {results['filter']}",
        "",
        f"Machine: {m['cpu_count']} cores (os.cpu_count()), {m['memory_gib']} GiB memory "
        f"({m['available_gib_at_start']} GiB available at start), load average at start "
        f"{m['loadavg_at_start']} (the machine is shared: others' work runs at the same time), "
        f"{m['platform']}, Python {m['python']}, {m['chromium']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        "",
        "## Figures",
        "",
        "| figure | " + " | ".join(f"{n:,}" for n in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for label, key, fmt in ROWS:
        lines.append(f"| {label} | " + " | ".join(_cell(summary["sizes"][n], key, fmt) for n in sizes) + " |")
    f = summary["floor"]
    lines += [
        "",
        f"Floor (bench/apps/floor.py, reads the query parameters only): AppTest cold {_s(f['apptest_cold_s'])}, "
        f"new session {_s(f['apptest_warm_s'])}, rerun {_s(f['apptest_rerun_s'])}; browser: text visible "
        f"after {_s(f['browser_load_s'])} (first load {_s(f['browser_first_load_s'])}); server peak RSS "
        f"{_mb(f['server_peak_rss_mb'])}.",
        "",
        "Elements reference (bench/apps/elements.py, the map page's elements filled with constants, no "
        f"data work): AppTest cold {_s(f.get('elements_cold_s'))}, new session {_s(f.get('elements_warm_s'))}, "
        f"rerun after the same filter change {_s(f.get('elements_rerun_s'))} "
        f"({_x(_ratio(f.get('elements_rerun_s'), f['apptest_rerun_s']))} the floor's): what Streamlit "
        "itself charges for the page's layout, which no caching in the app removes.",
        "",
        "## Targets",
        "",
        "| target | verdict | judged on |",
        "|---|---|---|",
    ]
    for t in summary["targets"]:
        lines.append(f"| {t['target']} | **{t['verdict']}** | {t['detail']} |")
    problems = {n: fig["problems"] for n, fig in summary["sizes"].items() if fig["problems"]}
    if problems or results.get("browser_skipped"):
        lines += ["", "## Not measured", ""]
        if results.get("browser_skipped"):
            lines.append(f"- browser part skipped: {results['browser_skipped']}")
        for n, found in sorted(problems.items()):
            for part, why in found.items():
                lines.append(f"- {n:,} stations, {part}: {why}")
    if results.get("server"):
        lines += [
            "",
            "## Server CPU per run over the WebSocket (bench/server.py)",
            "",
            server_report.summarise(results["server"]),
        ]
    lines += [
        "",
        f"Whole run: {results['bench_wall_s']:.0f} s; bench process peak RSS {_mb(results['bench_peak_rss_mb'])}, "
        f"largest child (workers, servers, browser) {_mb(results['children_peak_rss_mb'])}.",
        "",
        "## How it is measured",
        "",
        "- Synthetic stations (`stations.data.synthetic.write_dataset`, real schema, 10 countries) plus the "
        "real country outlines (`data/boundaries/countries-110m.geojson`); tiles off (`STATION_MAP_TILES=none`).",
        "- Steps and AppTest run in child processes (`python -m bench.worker`), one per measurement and "
        "size: each has its own peak RSS (`ru_maxrss`) and a fresh cache. *Cold* clears `st.cache_data` and "
        "`st.cache_resource` (the shared data and its per-view cache); "
        "the first cold run of each process also pays the imports. *New session* is a fresh AppTest with the "
        "cache filled (the next visitor). *Rerun* sets the `filter_country` multiselect (the floor just reruns).",
        "- Bytes sent: what `st_folium` sends for the map (its Leaflet script + header + html, computed "
        "with streamlit-folium's own helpers); the AppTest row is the component's real `json_args`. The "
        "fixed overhead is the same for a map of 0 stations.",
        "- Browser: `streamlit run` on 127.0.0.1 (tests/support/browser.py), headless Debian Chromium, a new "
        "context per load; time from the page's navigation start until a marker or cluster icon is drawn "
        "inside streamlit-folium's iframe, as a script in the iframe sees it (on every DOM change and every "
        "10 ms: `bench/browser.py` `FIRST_MARKER_CLOCK`), not when a Playwright locator's 0.1-0.5 s polling "
        "notices it (the floor: until its text is visible, by locator). Every "
        "request leaving loopback is recorded and blocked. The reference (`bench/apps/one_marker.py`: one "
        "`folium.Marker` through `st_folium` with the same local assets) is measured right before each size, "
        "so that each ratio compares neighbouring figures on a machine whose load changes; the elements "
        "reference (`bench/apps/elements.py`: the page's Streamlit elements filled with constants around the "
        "same one-marker map) right after it. Iframe bytes are "
        "the response bodies (as sent, compressed where the server compresses) of the map iframe's requests. "
        "`python -m bench.timeline` prints one load event by event.",
        "- Reruns: Streamlit's websocket frames decoded with its protobuf classes; *requests* are "
        "`BackMsg.rerun_script` frames the page sent, *runs* are `ForwardMsg.script_finished` frames it "
        "received, counted from a settled page through 3 drags, 2 ctrl + wheel zooms and the +/- buttons until "
        "2.5 s pass without a frame. The naive page (st_folium returning every object) shows the counter "
        "sees reruns; its runs can be fewer than its requests because a new request interrupts a run.",
        "- Peak RSS of the server is its `VmHWM` read before it is stopped.",
    ]
    return "\n".join(lines) + "\n"
