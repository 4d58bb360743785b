#!/usr/bin/env python3
"""Offline validation of deploy/kubernetes/base and deploy/kubernetes/sharded, as a cluster
would judge them.

    deploy/.venv/bin/python deploy/kubernetes/validate.py

Each kustomization is rendered the way kustomize renders what these files use (resources and
bases, namespace, commonLabels, `$patch: delete` patches, configMapGenerator), then every
built-in resource is validated strictly against the Kubernetes API schemas that
kubernetes-validate ships (unknown fields are errors). The custom resources (ServiceMonitor,
PrometheusRule) have no schema there, so what they must agree on is checked by reference: the
ServiceMonitor selects exactly one Service and scrapes its named port, the Service selects the
pods, the workload mounts the generated ConfigMap and its claim; the sharded StatefulSet runs
as many replicas as its TOMWATCH_SHARD names. Exit 1 with every problem listed.
"""

import pathlib
import re
import sys

import kubernetes_validate
import yaml

ROOT = pathlib.Path(__file__).resolve().parent
KUBERNETES_VERSION = "1.30.0"


class Rendered:
    def __init__(self) -> None:
        self.resources: list[dict] = []
        self.generated: set[str] = set()
        self.problems: list[str] = []

    def of_kind(self, kind: str) -> list[dict]:
        return [r for r in self.resources if r["kind"] == kind]

    def one(self, kind: str) -> dict:
        found = self.of_kind(kind)
        return found[0] if len(found) == 1 else {}


def render(directory: pathlib.Path) -> Rendered:
    rendered = Rendered()
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    for name in kustomization.get("resources", []):
        path = (directory / name).resolve()
        if path.is_dir():
            base = render(path)
            rendered.resources += base.resources
            rendered.generated |= base.generated
            rendered.problems += base.problems
        elif path.exists():
            rendered.resources += [d for d in yaml.safe_load_all(path.read_text()) if d]
        else:
            rendered.problems.append(f"{directory.name}/kustomization.yaml lists {name}, which does not exist")
    for patch in kustomization.get("patches", []):
        document = yaml.safe_load((directory / patch["path"]).read_text())
        if document.get("$patch") != "delete":
            rendered.problems.append(f"{patch['path']}: only `$patch: delete` patches are rendered here")
            continue
        target = (document["kind"], document["metadata"]["name"])
        before = len(rendered.resources)
        rendered.resources = [r for r in rendered.resources if (r["kind"], r["metadata"]["name"]) != target]
        if len(rendered.resources) == before:
            rendered.problems.append(f"{patch['path']} deletes {target}, which is not there")
    for generator in kustomization.get("configMapGenerator", []):
        if generator.get("behavior") == "merge":
            if generator["name"] not in rendered.generated:
                rendered.problems.append(f"configMapGenerator {generator['name']} merges into a ConfigMap no base generates")
            continue
        rendered.generated.add(generator["name"])
        for file in generator.get("files", []):
            if not (directory / file).exists():
                rendered.problems.append(f"configMapGenerator {generator['name']} needs {file}")
    namespace = kustomization.get("namespace")
    common = kustomization.get("commonLabels", {})
    for document in rendered.resources:
        metadata = document.setdefault("metadata", {})
        metadata.setdefault("labels", {}).update(common)
        if namespace and document["kind"] != "Namespace":
            metadata["namespace"] = namespace
        template = document.get("spec", {}).get("template")
        if common and template is not None:
            template.setdefault("metadata", {}).setdefault("labels", {}).update(common)
    return rendered


def selects(selector: dict, labels: dict) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check(name: str, rendered: Rendered) -> list[str]:
    problems = [f"{name}: {p}" for p in rendered.problems]
    for document in rendered.resources:
        if document["apiVersion"].startswith("monitoring.coreos.com/"):
            continue
        try:
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            where = ".".join(map(str, error.path))
            problems.append(f"{name}: {document['kind']} {document['metadata']['name']}: {error.message} at {where}")

    workloads = rendered.of_kind("Deployment") + rendered.of_kind("StatefulSet")
    if len(workloads) != 1:
        problems.append(f"{name}: {len(workloads)} workloads; one Deployment or StatefulSet runs tomwatch")
        return problems
    workload = workloads[0]
    pod = workload["spec"]["template"]
    pod_labels = pod.get("metadata", {}).get("labels", {})
    spec = pod.get("spec", {})
    container = spec.get("containers", [{}])[0]
    monitor = rendered.one("ServiceMonitor")
    monitor_selector = monitor.get("spec", {}).get("selector", {}).get("matchLabels", {})
    scraped = [s for s in rendered.of_kind("Service") if selects(monitor_selector, s["metadata"].get("labels", {}))]
    if len(scraped) != 1:
        problems.append(f"{name}: the ServiceMonitor selects {len(scraped)} Services; each pod must be scraped once")
    for service in scraped:
        if not selects(service["spec"].get("selector", {}), pod_labels):
            problems.append(f"{name}: the Service {service['metadata']['name']} does not select the pods")
        port_names = {p.get("name") for p in service["spec"].get("ports", [])}
        for endpoint in monitor.get("spec", {}).get("endpoints", []):
            if endpoint.get("port") not in port_names:
                problems.append(f"{name}: the ServiceMonitor scrapes port {endpoint.get('port')!r}; the Service has {sorted(port_names)}")
    if spec.get("serviceAccountName") != rendered.one("ServiceAccount").get("metadata", {}).get("name"):
        problems.append(f"{name}: the pods run as another ServiceAccount than the one shipped")

    claims = {c["metadata"]["name"] for c in rendered.of_kind("PersistentVolumeClaim")}
    templates = {t["metadata"]["name"] for t in workload["spec"].get("volumeClaimTemplates", [])}
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    for volume in volumes.values():
        if "configMap" in volume and volume["configMap"]["name"] not in rendered.generated:
            problems.append(f"{name}: volume {volume['name']} mounts a ConfigMap that is not generated")
        claim = volume.get("persistentVolumeClaim", {}).get("claimName")
        if claim is not None and claim not in claims:
            problems.append(f"{name}: volume {volume['name']} claims {claim}, which is not shipped")
    for mount in container.get("volumeMounts", []):
        if mount["name"] not in volumes and mount["name"] not in templates:
            problems.append(f"{name}: the container mounts {mount['name']}, which is neither a volume nor a claim template")
    probes = (
        container.get("livenessProbe", {}).get("httpGet", {}).get("path"),
        container.get("readinessProbe", {}).get("httpGet", {}).get("path"),
    )
    if probes != ("/-/healthy", "/-/ready"):
        problems.append(f"{name}: probes are {probes}, not /-/healthy and /-/ready")
    security = container.get("securityContext", {})
    if not (spec.get("securityContext", {}).get("runAsNonRoot") and security.get("readOnlyRootFilesystem")):
        problems.append(f"{name}: the container must run as non-root with a read-only root filesystem")
    if not container.get("resources", {}).get("limits") or not container.get("resources", {}).get("requests"):
        problems.append(f"{name}: the container needs resource requests and limits")

    if workload["kind"] == "StatefulSet":
        problems += check_shards(name, rendered, workload, container)
    return problems


def check_shards(name: str, rendered: Rendered, workload: dict, container: dict) -> list[str]:
    """Every pod runs its own shard of the same split: TOMWATCH_SHARD is `$(POD_INDEX)/N` with
    POD_INDEX the pod's ordinal and N the replica count."""
    problems = []
    env = {e["name"]: e for e in container.get("env", [])}
    index_from = env.get("POD_INDEX", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath")
    if index_from != "metadata.labels['apps.kubernetes.io/pod-index']":
        problems.append(f"{name}: POD_INDEX must come from the pod-index label, not {index_from!r}")
    names = list(env)
    if "POD_INDEX" in names and "TOMWATCH_SHARD" in names and names.index("POD_INDEX") > names.index("TOMWATCH_SHARD"):
        problems.append(f"{name}: POD_INDEX must be defined before TOMWATCH_SHARD refers to it")
    shard = re.fullmatch(r"\$\(POD_INDEX\)/(\d+)", str(env.get("TOMWATCH_SHARD", {}).get("value", "")))
    replicas = workload["spec"].get("replicas", 1)
    if shard is None:
        problems.append(f"{name}: TOMWATCH_SHARD must be $(POD_INDEX)/N")
    elif int(shard.group(1)) != replicas:
        problems.append(f"{name}: {replicas} replicas but TOMWATCH_SHARD splits into {shard.group(1)}")
    governing = [s for s in rendered.of_kind("Service") if s["metadata"]["name"] == workload["spec"].get("serviceName")]
    if not governing or governing[0]["spec"].get("clusterIP") != "None":
        problems.append(f"{name}: serviceName must name a headless Service that is shipped")
    elif not selects(governing[0]["spec"].get("selector", {}), workload["spec"]["template"]["metadata"].get("labels", {})):
        problems.append(f"{name}: the governing Service {governing[0]['metadata']['name']} does not select the pods")
    if rendered.of_kind("PersistentVolumeClaim"):
        problems.append(f"{name}: the shards share a PersistentVolumeClaim; each needs its own (volumeClaimTemplates)")
    return problems


def main() -> int:
    problems: list[str] = []
    counts = []
    for name in ("base", "sharded"):
        rendered = render(ROOT / name)
        problems += check(name, rendered)
        counts.append(f"{name} {len(rendered.resources)}")
    for problem in problems:
        print(f"deploy/kubernetes/{problem}", file=sys.stderr)
    if not problems:
        print(f"deploy/kubernetes: {', '.join(counts)} resources valid for Kubernetes {KUBERNETES_VERSION}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
