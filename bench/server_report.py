"""The server bench's figures as Markdown: CPU per run against its references, and the flood's
verdict (``python -m bench.server`` prints it; ``bench.report`` puts it in RESULTS.md)."""

from __future__ import annotations

import statistics
from typing import Any


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def flood_figures(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The flood part's verdict figures: the readers' p50 with the flooder over without it,
    from all the rounds' runs pooled (the rounds alternate, so both sides share the machine's
    drift), the median of the rounds' own ratios, and the server CPU per reader run."""
    alone = [x for r in rounds for x in r["alone"]["latencies"]]
    flooded = [x for r in rounds for x in r["with_flooder"]["latencies"]]
    ratios = [
        r["with_flooder"]["p50_s"] / r["alone"]["p50_s"]
        if r["alone"]["p50_s"] and r["with_flooder"]["p50_s"]
        else float("nan")
        for r in rounds
    ]
    cpu_a = sum(r["alone"]["server_cpu_s"] for r in rounds) / max(1, sum(r["alone"]["runs"] for r in rounds))
    cpu_f = sum(r["with_flooder"]["server_cpu_s"] for r in rounds) / max(
        1, sum(r["with_flooder"]["runs"] for r in rounds)
    )
    pooled_a, pooled_f = med(alone), med(flooded)
    return {
        "pooled_alone_s": pooled_a,
        "pooled_with_s": pooled_f,
        "pooled_ratio": pooled_f / pooled_a if pooled_a else float("nan"),
        "round_ratios": ratios,
        "median_round_ratio": med(ratios),
        "cpu_ratio": cpu_f / cpu_a if cpu_a else float("nan"),
    }


def summarise(results: dict[str, Any]) -> str:
    """The figures as Markdown tables."""
    if "error" in results:
        return f"Not measured: {results['error']}"
    lines = [f"Server bench ({results['date']}, load average at start {results['loadavg']}, "
             f"{results['stations']} stations, {results['samples']} samples)", ""]  # fmt: skip
    cpu = results.get("cpu", {})
    if cpu:
        ref, app = cpu["one_marker"], cpu["app"]
        lines += [
            "| server CPU per run (median) | map page | one-marker reference | ratio | target |",
            "|---|---:|---:|---:|---:|",
        ]
        for key, label in (
            ("new_session_cpu_s", "new session (first run)"),
            ("rerun_cpu_s", "filter rerun"),
            ("uncached_rerun_cpu_s", "filter rerun to a view not cached"),
        ):
            if key not in app or key not in ref:
                continue
            a, r = med(app[key]), med(ref[key])
            target = "-" if key.startswith("uncached") else "<= 1.5x"
            lines.append(f"| {label} | {a * 1000:.0f} ms | {r * 1000:.0f} ms | {a / r:.2f}x | {target} |")
        if "elements" in cpu:
            e = cpu["elements"]
            lines.append(
                f"| (the page's elements alone, bench/apps/elements.py) | new session {med(e['new_session_cpu_s']) * 1000:.0f} ms "
                f"| rerun {med(e['rerun_cpu_s']) * 1000:.0f} ms | {med(e['new_session_cpu_s']) / med(ref['new_session_cpu_s']):.2f}x / "
                f"{med(e['rerun_cpu_s']) / med(ref['rerun_cpu_s']):.2f}x | |"
            )
        lines.append("")
    load = results.get("throughput", {})
    if load.get("steps"):
        lines += [
            "| sessions | runs | runs/s (one process) | p50 | p95 | errors | server CPU |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for s in load["steps"]:
            lines.append(
                f"| {s['sessions']} | {s['runs']} | {s['runs_per_s']} | {s['p50_s']} s | {s['p95_s']} s | "
                f"{s['errors']} | {s['server_cpu_s']} s |"
            )
        lines.append("")
    if load.get("flood"):
        lines += [
            "| flood round | readers | readers' p50 alone | with the flooder | ratio | flooder requests / runs "
            "| readers' runs alone / with | errors | server CPU per reader run alone / with (flooder's runs included) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        flood = flood_figures(load["flood"])
        for i, (r, ratio) in enumerate(zip(load["flood"], flood["round_ratios"], strict=True), 1):
            a, f = r["alone"], r["with_flooder"]
            per_a = a["server_cpu_s"] / a["runs"] if a["runs"] else float("nan")
            per_f = f["server_cpu_s"] / f["runs"] if f["runs"] else float("nan")
            lines.append(
                f"| {i} | {a['sessions']} | {a['p50_s'] * 1000:.0f} ms | {f['p50_s'] * 1000:.0f} ms | {ratio:.2f} "
                f"| {f['flood_requests']} / {f.get('flood_runs', '?')} | {a['runs']} / {f['runs']} "
                f"| {a['errors']} / {f['errors']} | {per_a * 1000:.1f} ms / {per_f * 1000:.1f} ms |"
            )
        lines.append(
            f"\nreaders' p50 over all rounds: {flood['pooled_alone_s'] * 1000:.0f} ms alone, "
            f"{flood['pooled_with_s'] * 1000:.0f} ms beside the flooder: ratio **{flood['pooled_ratio']:.2f}** "
            f"(target <= 1.10); median of the rounds' ratios {flood['median_round_ratio']:.2f}; "
            f"server CPU per reader run, the flooder's runs included: ratio {flood['cpu_ratio']:.2f}"
        )
    return "\n".join(lines)
