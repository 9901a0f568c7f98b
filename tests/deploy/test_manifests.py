"""docker-compose.yml, deploy/kubernetes.yaml and deploy/nginx.conf agree with each other and with
what the browser tests prove (no docker or cluster here: they are parsed and cross-checked).

- The nginx.conf compose mounts is exactly what deploy/nginx_conf.py renders for the compose
  replicas (the renderer the loopback tests run), and nginx itself accepts it.
- Every replica compose starts listens on the port nginx expects for it, with a health check on
  that port; nginx gets the preview image where the configuration serves it from.
- Kubernetes: the Service selects the Deployment's pods and targets their port, affinity is by
  cookie at the Ingress (ClientIP at the Service only as a fallback), WebSocket timeouts are long,
  and /_stcore/metrics is refused.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from deploy import nginx_conf
from deploy.nginx_conf import COMPOSE_CONF, Settings, compose_settings, render
from tests.support.browser import ROOT
from tests.support.deploy import nginx_binary

COMPOSE = ROOT / "docker-compose.yml"
KUBERNETES = ROOT / "deploy" / "kubernetes.yaml"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def kube() -> dict[str, list[dict]]:
    docs: dict[str, list[dict]] = {}
    for doc in yaml.safe_load_all(KUBERNETES.read_text(encoding="utf-8")):
        docs.setdefault(doc["kind"], []).append(doc)
    return docs


def test_the_committed_nginx_conf_is_the_rendered_one() -> None:
    assert COMPOSE_CONF.read_text(encoding="utf-8") == render(compose_settings()), (
        "deploy/nginx.conf is stale: run `python -m deploy.nginx_conf --compose`"
    )


def test_nginx_accepts_the_compose_configuration(tmp_path: Path) -> None:
    """``nginx -t`` on the committed file, with the compose host names pointed at loopback (they
    only resolve inside compose's network) and the file paths moved into a temporary prefix."""
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx not installed (make test installs it)")
    text = COMPOSE_CONF.read_text(encoding="utf-8")
    for replica in nginx_conf.COMPOSE_REPLICAS:
        text = text.replace(f" {replica} ", f" 127.0.0.1:{nginx_conf.port_of(replica)} ")
    text = text.replace("pid /tmp/nginx.pid;", f"pid {tmp_path}/nginx.pid;")
    text = text.replace("error_log stderr", f"error_log {tmp_path}/error.log")
    text = text.replace("access_log /dev/stdout", f"access_log {tmp_path}/access.log")
    assert not re.search(r"server app\d", text)
    (tmp_path / "nginx.conf").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_compose_runs_each_replica_on_the_port_nginx_expects(compose: dict) -> None:
    services = compose["services"]
    replicas = nginx_conf.COMPOSE_REPLICAS
    assert set(services) == {r.split(":")[0] for r in replicas} | {"nginx"}
    conf = COMPOSE_CONF.read_text(encoding="utf-8")
    for replica in replicas:
        name, port = replica.split(":")
        service = services[name]
        assert service["build"] == "."
        assert f"--server.port={port}" in service["command"]
        assert "--server.address=0.0.0.0" in service["command"]
        assert service["expose"] == [port]
        assert f"127.0.0.1:{port}/_stcore/health" in " ".join(service["healthcheck"]["test"])
        assert f"server {replica} max_fails=1" in conf
        assert services["nginx"]["depends_on"][name] == {"condition": "service_healthy"}
    # The image runs app.py from /app: the command must name the same script as the Dockerfile.
    assert '"app.py"' in (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_compose_mounts_the_tested_nginx_conf_and_the_preview_image(compose: dict) -> None:
    nginx = compose["services"]["nginx"]
    mounts = dict(volume.rsplit(":", 1)[0].split(":", 1) for volume in nginx["volumes"])
    assert mounts["./deploy/nginx.conf"] == "/etc/nginx/nginx.conf"
    assert all(volume.endswith(":ro") for volume in nginx["volumes"])
    assert mounts["./docs/screenshot.png"] == compose_settings().preview_image
    for source in mounts:
        assert (ROOT / source).is_file(), source
    (published,) = nginx["ports"]
    host_port, container_port = published.split(":")
    assert container_port == compose_settings().listen
    assert compose_settings().public_url.endswith(f":{host_port}")
    assert re.match(r"nginx:1\.\d+", nginx["image"])


def test_kubernetes_service_selects_the_pods_and_ingress_is_sticky_by_cookie(kube: dict) -> None:
    (deployment,) = kube["Deployment"]
    (service,) = kube["Service"]
    ingresses = {doc["metadata"]["name"]: doc for doc in kube["Ingress"]}
    pod = deployment["spec"]["template"]
    assert deployment["spec"]["replicas"] >= 2
    assert deployment["spec"]["selector"]["matchLabels"] == service["spec"]["selector"]
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    (container,) = pod["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert f"--server.port={ports['http']}" in container["args"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/_stcore/health", "port": "http"}
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    assert service["spec"]["sessionAffinity"] == "ClientIP"

    main = ingresses["stations"]
    notes = main["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert notes[prefix + "affinity"] == "cookie"
    assert notes[prefix + "session-cookie-name"] == nginx_conf.COOKIE
    assert notes[prefix + "session-cookie-change-on-failure"] == "true"
    assert int(notes[prefix + "proxy-read-timeout"]) >= 3600
    assert int(notes[prefix + "proxy-send-timeout"]) >= 3600
    assert int(notes[prefix + "limit-connections"]) == Settings.conn_per_address
    for ingress in ingresses.values():
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                assert path["backend"]["service"] == {
                    "name": service["metadata"]["name"],
                    "port": {"name": "http"},
                }

    blocked = ingresses["stations-metrics-refused"]
    assert blocked["metadata"]["annotations"][prefix + "denylist-source-range"] == "0.0.0.0/0,::/0"
    assert [p["path"] for p in blocked["spec"]["rules"][0]["http"]["paths"]] == ["/_stcore/metrics"]
    assert blocked["spec"]["rules"][0]["host"] == main["spec"]["rules"][0]["host"]


def test_the_access_log_format_holds_no_client_address_and_no_query_string() -> None:
    text = render(compose_settings())
    (log_format,) = [line for line in text.splitlines() if "log_format" in line]
    assert "$uri" in log_format
    for variable in (
        "$remote_addr",
        "$binary_remote_addr",
        "$request ",
        "$request_uri",
        "$args",
        "$query_string",
        "$http_x_forwarded_for",
        "$http_referer",
    ):
        assert variable not in log_format + " ", variable


def test_the_renderer_refuses_replicas_it_could_not_tell_apart() -> None:
    with pytest.raises(ValueError, match="its own port"):
        Settings(replicas=("a:8501", "b:8501"))
    with pytest.raises(ValueError, match="host:port"):
        Settings(replicas=("a",))
    with pytest.raises(ValueError, match="public_url"):
        Settings(replicas=("a:1",), public_url='http://x/path"')
    assert nginx_conf.main(["--replica", "a:1", "--replica", "b:1"]) == 2


def test_nginx_accepts_a_configuration_behind_a_proxy_over_https(tmp_path: Path) -> None:
    """The options the compose file does not use: https (Secure cookie), a trusted proxy in front,
    embedding limited to named sites, three replicas."""
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx not installed (make test installs it)")
    settings = Settings(
        replicas=("127.0.0.1:8501", "127.0.0.1:8502", "127.0.0.1:8503"),
        public_url="https://stations.example.org",
        frame_ancestors="'self' https://newsroom.example",
        real_ip_from=("10.0.0.0/8", "2001:db8::/32"),
        pid=str(tmp_path / "nginx.pid"),
        error_log=str(tmp_path / "error.log"),
        access_log=str(tmp_path / "access.log"),
        temp_dir=str(tmp_path),
    )
    text = render(settings)
    assert "SameSite=None; Secure" in text
    assert "set_real_ip_from 10.0.0.0/8;" in text and "real_ip_header X-Forwarded-For;" in text
    assert "frame-ancestors 'self' https://newsroom.example" in text
    assert text.count("backup;") == 6  # each replica's group: itself, the two others as backups
    (tmp_path / "nginx.conf").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
