#!/usr/bin/env python3
"""Offline validation of deploy/kubernetes/base, as a cluster would judge it.

    deploy/.venv/bin/python deploy/kubernetes/validate.py

Every built-in resource is validated strictly against the Kubernetes API schemas that
kubernetes-validate ships (unknown fields are errors). The custom resources (ServiceMonitor,
PrometheusRule) have no schema there, so what they must agree on is checked by reference: the
ServiceMonitor selects the Service and scrapes its named port, the Service selects the pods,
the Deployment mounts the generated ConfigMap and the claim. Exit 1 with every problem listed.
"""

import pathlib
import sys

import kubernetes_validate
import yaml

BASE = pathlib.Path(__file__).resolve().parent / "base"
KUBERNETES_VERSION = "1.30.0"


def main() -> int:
    problems: list[str] = []
    kustomization = yaml.safe_load((BASE / "kustomization.yaml").read_text())
    common = kustomization.get("commonLabels", {})
    resources: dict[str, dict] = {}
    for name in kustomization["resources"]:
        path = BASE / name
        if not path.exists():
            problems.append(f"kustomization.yaml lists {name}, which does not exist")
            continue
        for document in yaml.safe_load_all(path.read_text()):
            kind = document["kind"]
            resources[kind] = document
            # kustomize adds the common labels to every object and to selectors and templates.
            document.setdefault("metadata", {}).setdefault("labels", {}).update(common)
            document["metadata"]["namespace"] = kustomization.get("namespace")
            if kind == "Namespace":
                document["metadata"].pop("namespace")
            if document["apiVersion"].startswith("monitoring.coreos.com/"):
                continue
            try:
                kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
            except kubernetes_validate.ValidationError as error:
                problems.append(f"{name}: {error.message} at {'.'.join(map(str, error.path))}")
    for generator in kustomization.get("configMapGenerator", []):
        for file in generator.get("files", []):
            if not (BASE / file).exists():
                problems.append(f"configMapGenerator {generator['name']} needs {file}")

    deployment = resources.get("Deployment", {})
    pod = deployment.get("spec", {}).get("template", {})
    pod_labels = {**pod.get("metadata", {}).get("labels", {}), **common}
    spec = pod.get("spec", {})
    container = spec.get("containers", [{}])[0]
    service = resources.get("Service", {})
    monitor = resources.get("ServiceMonitor", {})

    def selects(selector: dict, labels: dict) -> bool:
        return all(labels.get(k) == v for k, v in selector.items())

    if not selects(service.get("spec", {}).get("selector", {}), pod_labels):
        problems.append("the Service does not select the Deployment's pods")
    service_labels = {**service.get("metadata", {}).get("labels", {}), **common}
    if not selects(monitor.get("spec", {}).get("selector", {}).get("matchLabels", {}), service_labels):
        problems.append("the ServiceMonitor does not select the Service")
    port_names = {p.get("name") for p in service.get("spec", {}).get("ports", [])}
    for endpoint in monitor.get("spec", {}).get("endpoints", []):
        if endpoint.get("port") not in port_names:
            problems.append(f"the ServiceMonitor scrapes port {endpoint.get('port')!r}; the Service has {sorted(port_names)}")
    if spec.get("serviceAccountName") != resources.get("ServiceAccount", {}).get("metadata", {}).get("name"):
        problems.append("the Deployment runs as another ServiceAccount than the one shipped")
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    generated = {g["name"] for g in kustomization.get("configMapGenerator", [])}
    for volume in volumes.values():
        if "configMap" in volume and volume["configMap"]["name"] not in generated:
            problems.append(f"volume {volume['name']} mounts a ConfigMap that is not generated")
        if "persistentVolumeClaim" in volume and volume["persistentVolumeClaim"]["claimName"] != resources.get(
            "PersistentVolumeClaim", {}
        ).get("metadata", {}).get("name"):
            problems.append(f"volume {volume['name']} claims a PersistentVolumeClaim that is not shipped")
    probes = (container.get("livenessProbe", {}).get("httpGet", {}).get("path"), container.get("readinessProbe", {}).get("httpGet", {}).get("path"))
    if probes != ("/-/healthy", "/-/ready"):
        problems.append(f"probes are {probes}, not /-/healthy and /-/ready")
    security = container.get("securityContext", {})
    if not (spec.get("securityContext", {}).get("runAsNonRoot") and security.get("readOnlyRootFilesystem")):
        problems.append("the container must run as non-root with a read-only root filesystem")
    if not container.get("resources", {}).get("limits") or not container.get("resources", {}).get("requests"):
        problems.append("the container needs resource requests and limits")

    for problem in problems:
        print(f"deploy/kubernetes: {problem}", file=sys.stderr)
    if not problems:
        print(f"deploy/kubernetes/base: {len(resources)} resources valid for Kubernetes {KUBERNETES_VERSION}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
