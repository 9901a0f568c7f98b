"""docker-compose.yml, deploy/kubernetes.yaml and deploy/nginx.conf agree with each other and with
what the browser tests prove (no docker or cluster here: they are validated against their schemas,
parsed and cross-checked).

- Both manifests are valid against their schemas: Kubernetes' own (``kubernetes-validate``,
  strict: an unknown field fails), the Compose Specification's (vendored in schemas/); a
  manifest with a misspelt or mistyped field (fixtures/) fails either check.
- Every way the app is started runs the same command as ``make run``
  (``python -m stations serve``, stations/web/serve.py), with only addresses and ports of its own.

- The nginx.conf compose mounts is exactly what deploy/nginx_conf.py renders for the compose
  replicas (the renderer the loopback tests run), and nginx itself accepts it.
- Every replica compose starts listens on the port nginx expects for it, with a health check on
  that port; nginx gets the preview image where the configuration serves it from.
- Kubernetes: the Service selects the Deployment's pods and targets their port, affinity is by
  cookie at the Ingress (ClientIP at the Service only as a fallback), WebSocket timeouts are long,
  and /_stcore/metrics is refused.
"""

from __future__ import annotations

import copy
import json
import re
import shlex
import subprocess
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from deploy import nginx_conf
from deploy.nginx_conf import COMPOSE_CONF, Settings, compose_settings, render
from tests.support.browser import ROOT
from tests.support.deploy import nginx_binary

COMPOSE = ROOT / "docker-compose.yml"
KUBERNETES = ROOT / "deploy" / "kubernetes.yaml"
COMPOSE_SCHEMA = Path(__file__).parent / "schemas" / "compose-spec.json"
FIXTURES = Path(__file__).parent / "fixtures"
#: The Kubernetes version the manifest is checked against (kubernetes-validate's schemas).
KUBERNETES_VERSION = "1.37.0"
SERVE = ["python", "-m", "stations", "serve"]


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
        assert service["build"] == {"context": ".", "target": "app"}
        options = serve_options(service["command"])
        assert options == {"--address": "0.0.0.0", "--port": port, "--health-port": str(int(port) + 100)}
        assert service["expose"] == [port]  # the health port is not exposed to nginx
        assert f"127.0.0.1:{int(port) + 100}/readyz" in " ".join(service["healthcheck"]["test"])
        assert f"server {replica} max_fails=1" in conf
        assert services["nginx"]["depends_on"][name] == {"condition": "service_healthy"}


def test_the_proxy_image_carries_the_tested_nginx_conf_and_the_files_it_serves(compose: dict) -> None:
    """nginx's image (the Dockerfile's ``proxy`` stage) holds deploy/nginx.conf, the preview
    image and both static directories where the compose configuration serves them from."""
    nginx = compose["services"]["nginx"]
    assert nginx["build"] == {"context": ".", "target": "proxy"}
    assert "volumes" not in nginx
    stages = dockerfile_stages()
    copies = {line.split()[-1]: line.split()[-2] for line in stages["proxy"] if line.startswith("COPY ")}
    settings = compose_settings()
    assert copies["/etc/nginx/nginx.conf"] == "deploy/nginx.conf"
    assert copies[settings.preview_image] == "docs/screenshot.png"
    assert copies[settings.streamlit_static] == "/srv/streamlit-static"
    assert copies[settings.app_static] == "/srv/app-static"
    frontend = " ".join(stages["frontend"])
    assert "streamlit.__file__" in frontend and "/srv/streamlit-static" in frontend
    assert "cp -rL /app/static /srv/app-static" in frontend
    (published,) = nginx["ports"]
    host_port, container_port = published.split(":")
    assert container_port == settings.listen
    assert settings.public_url.endswith(f":{host_port}")
    assert re.match(r"FROM nginx:1\.\d+", stages["proxy"][0])


def dockerfile_stages() -> dict[str, list[str]]:
    """The Dockerfile's instructions by stage name (continuation lines joined)."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    stages: dict[str, list[str]] = {}
    current: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("FROM "):
            current = stages.setdefault(line.split()[-1], [])
        current.append(line)
    return stages


def serve_options(command: list[str]) -> dict[str, str]:
    """The options of a ``python -m stations serve`` command; fails on any other command."""
    assert command[: len(SERVE)] == SERVE, command
    rest = command[len(SERVE) :]
    assert len(rest) % 2 == 0 and all(flag.startswith("--") for flag in rest[::2]), command
    return dict(zip(rest[::2], rest[1::2], strict=True))


def make_command(target: str) -> str:
    """The server command ``make <target>`` runs (after its set-up steps, taken as done)."""
    out = subprocess.run(
        ["make", "-n", "-o", ".venv/.runtime", "-o", "i18n-compile", target, "PORT=8501", "PY=python"],
        cwd=ROOT, capture_output=True, text=True, timeout=30, check=True,
    ).stdout  # fmt: skip
    (line,) = [line for line in out.splitlines() if " -m stations serve" in line]
    return line.strip()


def test_every_way_of_starting_the_app_runs_make_runs_command(kube: dict) -> None:
    """``make run``, the image, compose and Kubernetes start the same command, differing only in
    where they listen: no option of their own changes what a session costs."""
    made = make_command("run")
    assert serve_options(shlex.split(made)) == {
        "--address": "127.0.0.1",
        "--port": "8501",
        "--health-port": "8601",
    }
    (cmd,) = [line for line in dockerfile_stages()["app"] if line.startswith("CMD ")]
    image = serve_options(json.loads(cmd[4:]))
    (container,) = kube["Deployment"][0]["spec"]["template"]["spec"]["containers"]
    assert (
        serve_options(container["args"])
        == image
        == {
            "--address": "0.0.0.0",
            "--port": "8501",
            "--health-port": "8601",
        }
    )
    assert make_command("dev") == made + " --dev"  # the watcher is for development only


def compose_errors(doc: dict) -> list[str]:
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


def kube_errors(docs: list[dict]) -> list[str]:
    errors = []
    for doc in docs:
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as err:
            errors.append(f"{doc['kind']}: {'/'.join(map(str, err.path))}: {err.message}")
    return errors


def test_both_manifests_are_valid_against_their_schemas(compose: dict) -> None:
    docs = list(yaml.safe_load_all(KUBERNETES.read_text(encoding="utf-8")))
    assert kube_errors(docs) == []
    assert {"HorizontalPodAutoscaler", "Deployment", "Service", "Ingress"} <= {d["kind"] for d in docs}
    assert compose_errors(compose) == []


def test_a_manifest_with_a_wrong_field_fails_its_schema(compose: dict, kube: dict) -> None:
    """The fixtures are the real manifests with one field misspelt or mistyped: each check must
    catch it and name it, so that a passing check means something."""
    broken = yaml.safe_load((FIXTURES / "compose-wrong-field.yml").read_text(encoding="utf-8"))
    errors = compose_errors(broken)
    assert len(errors) == 1 and "helthcheck" in errors[0], errors
    for name, field in (
        ("kubernetes-wrong-field.yaml", "maxReplica"),
        ("kubernetes-wrong-type.yaml", "periodSeconds"),
    ):
        errors = kube_errors(list(yaml.safe_load_all((FIXTURES / name).read_text(encoding="utf-8"))))
        assert len(errors) == 1 and field in errors[0], (name, errors)
    # The same kinds of mistakes, made here to the committed manifests, fail too.
    wrong = copy.deepcopy(compose)
    wrong["services"]["app1"]["heathcheck"] = wrong["services"]["app1"].pop("healthcheck")
    assert compose_errors(wrong)
    hpa = copy.deepcopy(kube["HorizontalPodAutoscaler"][0])
    hpa["spec"]["minReplicas"] = "two"
    assert kube_errors([hpa])


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
    assert serve_options(container["args"])["--port"] == str(ports["http"])
    assert serve_options(container["args"])["--health-port"] == str(ports["health"])
    for probe, path in (
        ("startupProbe", "/livez"),
        ("readinessProbe", "/readyz"),
        ("livenessProbe", "/livez"),
    ):
        assert container[probe]["httpGet"] == {"path": path, "port": "health"}
    (hpa,) = kube["HorizontalPodAutoscaler"]
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "stations",
    }
    assert hpa["spec"]["minReplicas"] == deployment["spec"]["replicas"]
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu" and container["resources"]["requests"]["cpu"] == "1"
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
    sessions = ingresses["stations-sessions"]
    assert [p["path"] for p in sessions["spec"]["rules"][0]["http"]["paths"]] == ["/_stcore/stream"]
    session_notes = sessions["metadata"]["annotations"]
    assert int(session_notes[prefix + "limit-rpm"]) == Settings.sessions_per_minute
    assert int(session_notes[prefix + "limit-connections"]) == Settings.conn_per_address
    assert session_notes[prefix + "session-cookie-name"] == nginx_conf.COOKIE
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
        exempt=("192.0.2.0/24",),
        pid=str(tmp_path / "nginx.pid"),
        error_log=str(tmp_path / "error.log"),
        access_log=str(tmp_path / "access.log"),
        temp_dir=str(tmp_path),
    )
    text = render(settings)
    assert "SameSite=None; Secure" in text
    assert "set_real_ip_from 10.0.0.0/8;" in text and "real_ip_header X-Forwarded-For;" in text
    assert "frame-ancestors 'self' https://newsroom.example" in text
    assert "        192.0.2.0/24 1;" in text  # exempt from the per-address limits
    assert text.count(" backup max_conns=") == 6  # each replica's group: itself, the two others as backups
    (tmp_path / "nginx.conf").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


def test_every_way_of_serving_the_app_installs_the_fonts_its_images_are_drawn_with() -> None:
    """The PNG downloads are drawn in Chinese with Noto Sans CJK (stations/view/fonts.py): the
    image installs that package, Streamlit Community Cloud is asked for it (packages.txt), and
    the tests' set-up installs it (`make fonts`, a step of `make test` and `make test-fast`)."""
    from stations.view import fonts

    app = " ".join(dockerfile_stages()["app"])
    assert re.search(rf"apt-get install [^&]*\b{re.escape(fonts.PACKAGE)}\b", app)
    assert app.index(fonts.PACKAGE) < app.index("USER app")
    assert fonts.PACKAGE in (ROOT / "packages.txt").read_text(encoding="utf-8").split()
    for target in ("test", "test-fast"):
        out = subprocess.run(
            ["make", "-n", target],
            cwd=ROOT, capture_output=True, text=True, timeout=30, check=False,
        ).stdout  # fmt: skip
        assert f"install -y -qq {fonts.PACKAGE}" in out, target
