"""A surge of new readers at one replica never fails its liveness probe (probed as the manifest does).

One replica, started as it is deployed (``python -m stations serve``, the e2e harness), takes
``ARRIVALS`` new readers at once, each from its own loopback address, straight at the replica
(no nginx: the harshest case, nothing queues them). Meanwhile the probes of
deploy/kubernetes.yaml (their path, port and timeout) run every second, more often than the
manifest's period, so any stall shows in more probes. No run of failed liveness probes may reach
the manifest's failure threshold (there should be none at all); readiness may say "busy".
Streamlit's own ``/_stcore/health``, with the readiness timeout, is probed beside them: it is
what the manifest probed before, and its failures are reported to show what the supervisor's
listener avoids.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from bench.replicas import Probes, surge
from tests.support.browser import ROOT, streamlit_server
from tests.support.deploy import APP
from tests.support.serve import HEALTH

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(400)]

ARRIVALS = int(os.environ.get("DEPLOY_SURGE_ARRIVALS", "150"))
KUBERNETES = ROOT / "deploy" / "kubernetes.yaml"


def probes_of_the_manifest() -> dict[str, dict]:
    for doc in yaml.safe_load_all(Path(KUBERNETES).read_text(encoding="utf-8")):
        if doc["kind"] == "Deployment":
            (container,) = doc["spec"]["template"]["spec"]["containers"]
            return {name: container[name] for name in ("livenessProbe", "readinessProbe")}
    raise AssertionError("no Deployment in the manifest")


def test_a_surge_of_arrivals_never_reaches_the_liveness_threshold() -> None:
    probes = probes_of_the_manifest()
    live, ready = probes["livenessProbe"], probes["readinessProbe"]
    assert live["httpGet"]["port"] == ready["httpGet"]["port"] == "health"
    with streamlit_server(APP, env={"STATION_MAP_TILES": "none"}) as base:
        health = HEALTH[base]
        ws_url = base.replace("http://", "ws://") + "_stcore/stream"
        surge(ws_url, 2)  # warm-up: the first run's imports
        targets = {
            "liveness": (health + live["httpGet"]["path"].lstrip("/"), float(live["timeoutSeconds"])),
            "readiness": (health + ready["httpGet"]["path"].lstrip("/"), float(ready["timeoutSeconds"])),
            "streamlit": (f"{base}_stcore/health", float(ready["timeoutSeconds"])),
        }
        with Probes(targets) as probed:
            result = surge(ws_url, ARRIVALS)
    figures = {
        **result,
        **{f"{name}_probes": len(probed.results.get(name, [])) for name in targets},
        **{f"{name}_failures": probed.failures(name) for name in targets},
        **{f"{name}_longest_failing_run": probed.longest_run_of_failures(name) for name in targets},
        **{f"{name}_slowest_s": round(probed.slowest.get(name, 0.0), 2) for name in targets},
    }
    print(figures)
    assert figures["liveness_probes"] >= 3, figures  # the probes really ran through the surge
    assert probed.longest_run_of_failures("liveness") < live["failureThreshold"], figures
    assert probed.failures("liveness") == 0, figures
    assert result["served"] == ARRIVALS and result["errors"] == 0, figures
