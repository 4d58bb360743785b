"""Runs the benchmark: seeds each estate size into LocalStack, audits it with tomwatch (and,
optionally, Prowler on the same estate), with and without per-call latency, and measures.

    bench/run [--sizes 1000x1,5000x10,10000x50] [--latency-ms 40] [--prowler SIZES] [--binary PATH]

Per size (resources x accounts), after one untimed audit that warms the emulator's backends, and
per latency (0 and --latency-ms), in one run of --repeat rounds (3 by default; the table shows the
medians, and each ratio's range over the rounds):
- tomwatch's wall time, CPU time and peak RSS (`/usr/bin/time -v`);
- API requests by service and operation, from tomwatch's own counters (`audit --api-calls`),
  cross-checked against the counting proxy (bench/proxy.py), which also adds the latency;
- the emulator-bound wall time: the same requests replayed straight to LocalStack by a minimal
  client at its best concurrency (8-32 in flight; 64-256 with latency) (bench/replay.py), with
  the same latency;
- that the FAILs of the counted checks equal the violations the estate planted;
- with --prowler SIZES: Prowler's wall time, CPU and peak RSS on the same estate, checks and latency.
Writes bench/results/<date>.json and prints a Markdown table for BENCHMARKS.md.
"""

import argparse
import datetime
import json
import os
import pathlib
import re
import signal
import statistics
import subprocess
import sys
import time

BENCH = pathlib.Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = ROOT / "localstack/.venv/bin/python"
PROXY_PORT = 4599
# The TOM's checks that Prowler also has, by Prowler's name: the overlap both tools audit.
PROWLER_CHECKS = [
    "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
    "ec2_securitygroup_allow_ingress_from_internet_to_all_ports",
    "ec2_ebs_volume_encryption",
    "ec2_ebs_default_encryption",
    "ec2_instance_imdsv2_enabled",
    "s3_bucket_default_encryption",
    "s3_bucket_kms_encryption",
    "s3_bucket_secure_transport_policy",
    "rds_instance_storage_encrypted",
    "rds_instance_no_public_access",
    "rds_instance_multi_az",
    "rds_instance_backup_enabled",
    "elasticache_redis_cluster_rest_encryption_enabled",
    "elasticache_redis_cluster_in_transit_encryption_enabled",
    "elbv2_ssl_listeners",
    "elbv2_waf_acl_attached",
    "kms_cmk_rotation_enabled",
    "iam_user_mfa_enabled_console_access",
    "iam_password_policy_minimum_length_14",
    "cloudtrail_multi_region_enabled",
    "cloudtrail_log_file_validation_enabled",
    "cloudtrail_kms_encryption_enabled",
    "vpc_flow_logs_enabled",
    "guardduty_is_enabled",
]
AWS_ENV = {"AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "eu-central-1"}


def time_v(command: list, env: dict, stdout=subprocess.DEVNULL) -> dict:
    """Runs `command` under /usr/bin/time -v: wall seconds, CPU seconds, peak RSS MiB, exit."""
    report = subprocess.run(
        ["/usr/bin/time", "-v", *command], env=env, stdout=stdout, stderr=subprocess.PIPE, text=True
    )
    fields = {}
    for line in report.stderr.splitlines():
        key, _, value = line.strip().rpartition(": ")
        fields[key] = value
    wall = fields.get("Elapsed (wall clock) time (h:mm:ss or m:ss)", "0:0")
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    return {
        "wall_s": round(seconds, 2),
        "cpu_s": round(float(fields.get("User time (seconds)", 0)) + float(fields.get("System time (seconds)", 0)), 2),
        "peak_rss_mib": round(int(fields.get("Maximum resident set size (kbytes)", 0)) / 1024, 1),
        "exit": report.returncode,
        "stderr_tail": "\n".join(l for l in report.stderr.splitlines() if not l.startswith("\t"))[-2000:],
    }


class Proxy:
    def __init__(self, latency_ms: float, work: pathlib.Path, *, record: bool, name: str = "proxy") -> None:
        self.stats = work / f"{name}-{latency_ms:g}ms.json"
        self.record = work / "requests.bin" if record else None
        command = [str(PYTHON), str(BENCH / "proxy.py"), "--listen", f"127.0.0.1:{PROXY_PORT}",
                   "--latency-ms", str(latency_ms), "--stats", str(self.stats)]
        if self.record:
            command += ["--record", str(self.record), "--timeline", str(work / f"timeline-{latency_ms:g}ms.json")]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        ready = self.process.stdout.readline()
        if "ready" not in ready:
            raise SystemExit(f"bench: the proxy did not start: {ready}")

    def stop(self) -> dict:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        return json.loads(self.stats.read_text())


def seeded(manifest: pathlib.Path, resources: int, accounts: int, first: int) -> bool:
    """The estate is in LocalStack already: a manifest of the same size, and its last account's
    last IAM user is there (LocalStack forgets everything when it restarts)."""
    if not manifest.exists():
        return False
    recorded = json.loads(manifest.read_text())
    if recorded["resources"] != resources or len(recorded["accounts"]) != accounts:
        return False
    probe = subprocess.run(
        [str(PYTHON), "-c", "import boto3,sys; c=boto3.client('iam', endpoint_url='http://127.0.0.1:4566', "
         f"region_name='eu-central-1', aws_access_key_id='{recorded['accounts'][-1]}', aws_secret_access_key='x'); "
         "sys.exit(0 if c.list_users()['Users'] else 1)"],
        capture_output=True,
    )
    return probe.returncode == 0


def config_for(manifest: dict, path: pathlib.Path) -> None:
    lines = ["accounts:"]
    for i, account in enumerate(manifest["accounts"]):
        lines.append(f'  - id: "{account}"')
        # Declared, so that checks that depend on it are decided, not UNKNOWN.
        lines.append("    environment: production")
        if i:
            lines.append(f"    role_arn: arn:aws:iam::{account}:role/tomwatch-audit")
    lines.append(f"regions: [{', '.join(manifest['regions'])}]")
    path.write_text("\n".join(lines) + "\n")


def failures(report: dict, checks: list) -> dict:
    counts = {check: 0 for check in checks}
    for finding in report["findings"]:
        if finding["check_id"] in counts and finding["status"] == "FAIL":
            counts[finding["check_id"]] += 1
    return counts


def endpoint(proxy) -> str:
    """Without latency, straight to LocalStack: the proxy's own work would be measured too."""
    return f"http://127.0.0.1:{PROXY_PORT}" if proxy else "http://127.0.0.1:4566"


def tomwatch_env(work: pathlib.Path, proxy) -> dict:
    """tomwatch signs in as the estate's first account; the others are reached by role."""
    return {**os.environ, **AWS_ENV, "AWS_ENDPOINT_URL": endpoint(proxy),
            "AWS_ACCESS_KEY_ID": json.loads((work / "manifest.json").read_text())["accounts"][0]}


def tomwatch_run(binary: str, config: pathlib.Path, work: pathlib.Path, latency: float) -> dict:
    # With latency, through the proxy, which counts and records the requests for the replay.
    proxy = Proxy(latency, work, record=True) if latency else None
    report_path, calls_path = work / f"report-{latency:g}ms.json", work / f"api-{latency:g}ms.json"
    env = tomwatch_env(work, proxy)
    try:
        measured = time_v(
            [binary, "audit", "--quiet", "--config", str(config), "--format", f"json={report_path}",
             "--api-calls", str(calls_path)],
            env,
        )
    finally:
        counted = proxy.stop() if proxy else None
    if measured["exit"] not in (0, 1):
        raise SystemExit(f"bench: tomwatch audit exited {measured['exit']}:\n{measured['stderr_tail']}")
    calls = json.loads(calls_path.read_text())
    own = sum(op["requests"] for ops in calls.values() for op in ops.values())
    measured.update({
        "requests": own,
        "retries": sum(op["retries"] for ops in calls.values() for op in ops.values()),
        "calls": calls,
        "report": str(report_path),
    })
    if counted:
        assume = counted["calls"].get("sts", {}).get("AssumeRole", 0)
        measured.update({
            "proxy_requests": counted["requests"],
            # The SDK's credential provider calls AssumeRole outside tomwatch's counters.
            "counters_agree": counted["requests"] - assume == own,
            "connections": counted["connections"],
            "max_in_flight": counted["max_in_flight"],
            "proxy_calls": counted["calls"],
        })
    return measured


def replay(work: pathlib.Path, latency: float, *, through_proxy: bool = False, concurrency: int = 0) -> dict:
    """The recorded requests replayed at their best concurrency: straight to LocalStack (after the
    latency, if any), or through the latency proxy on kept-alive connections, as tomwatch's travel,
    so that the proxy's own CPU weighs on the emulator's cores in both measurements. Without a
    given concurrency, the best of a sweep."""
    sweep = str(concurrency) if concurrency else ("64,128,256" if latency else "8,16,32")
    command = [str(PYTHON), str(BENCH / "replay.py"), "--requests", str(work / "requests.bin"),
               "--concurrency", sweep]
    if not through_proxy:
        return run_replay(command + ["--latency-ms", str(latency)])
    proxy = Proxy(latency, work, record=False, name="proxy-replay")
    try:
        return run_replay(command + ["--through", f"127.0.0.1:{PROXY_PORT}"])
    finally:
        proxy.stop()


def run_replay(command: list) -> dict:
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def prowler_run(manifest: dict, work: pathlib.Path, latency: float) -> dict:
    prowler = BENCH / ".prowler-venv/bin/prowler"
    if not prowler.exists():
        raise SystemExit("bench: --prowler needs bench/prowler-venv (bench/run installs it)")
    proxy = Proxy(latency, work, record=False) if latency else None
    total = {"wall_s": 0.0, "cpu_s": 0.0, "peak_rss_mib": 0.0, "runs": 0}
    try:
        # Prowler audits one account per run (a role per account), as its users run it.
        for i, account in enumerate(manifest["accounts"]):
            env = {**os.environ, **AWS_ENV, "AWS_ENDPOINT_URL": endpoint(proxy), "AWS_ACCESS_KEY_ID": account}
            command = [str(prowler), "aws", "--no-banner", "--ignore-exit-code-3", "-f", *manifest["regions"],
                       "--checks", *PROWLER_CHECKS, "--output-formats", "json-ocsf",
                       "--output-directory", str(work / "prowler"), "--output-filename", f"prowler-{i}-{latency:g}"]
            measured = time_v(command, env)
            if measured["exit"] not in (0, 3):
                raise SystemExit(f"bench: prowler exited {measured['exit']}:\n{measured['stderr_tail']}")
            total["wall_s"] = round(total["wall_s"] + measured["wall_s"], 2)
            total["cpu_s"] = round(total["cpu_s"] + measured["cpu_s"], 2)
            total["peak_rss_mib"] = max(total["peak_rss_mib"], measured["peak_rss_mib"])
            total["runs"] += 1
    finally:
        counted = proxy.stop() if proxy else None
    if counted:
        total["proxy_requests"] = counted["requests"]
    return total


def warm_up(binary: str, config: pathlib.Path, work: pathlib.Path) -> None:
    """One untimed audit straight to LocalStack. The emulator builds each service's backend for an
    account and region on its first request (SSM loads AWS's global-infrastructure parameters:
    1.4 s on this machine); AWS has no such cold start, and the replay, which runs later, finds
    every backend built. Warming first measures both on the same emulator."""
    warm = subprocess.run([binary, "audit", "--quiet", "--config", str(config), "--format", "json=/dev/null"],
                          env=tomwatch_env(work, None), capture_output=True, text=True)
    if warm.returncode not in (0, 1):
        raise SystemExit(f"bench: the warm-up audit exited {warm.returncode}:\n{warm.stderr[-2000:]}")


def audited(binary: str, config: pathlib.Path, work: pathlib.Path, manifest: dict, latency: float) -> dict:
    """One timed audit, with its verdicts compared to what the estate planted."""
    run = tomwatch_run(binary, config, work, latency)
    report = json.loads(pathlib.Path(run["report"]).read_text())
    found = failures(report, list(manifest["expected_failures"]))
    run["verdicts_exact"] = found == manifest["expected_failures"]
    run["unknown"] = sum(1 for f in report["findings"] if f["status"] == "UNKNOWN")
    if not run["verdicts_exact"]:
        print(f"bench: FAIL counts {found} differ from the planted {manifest['expected_failures']}", file=sys.stderr)
    run.pop("stderr_tail", None)
    return run


def measure_rounds(binary: str, config: pathlib.Path, work: pathlib.Path, manifest: dict, latency: float,
                   rounds: int, label: str) -> dict:
    """`rounds` rounds of: tomwatch's audit, then the replays of its requests. The first round
    sweeps the replay's concurrency, the others replay at the best one found. On a shared machine
    whose speed drifts by tens of percent over minutes, a ratio of two walls measured back to back
    is what one round can say; the median of the rounds' ratios is what the run says, with every
    round kept beside it. Wall, CPU and RSS are the medians of tomwatch's rounds; API calls
    are the first round's (every round sends the same)."""
    bounds = [("emulator_bound", "ratio_to_emulator", False)]
    if latency:
        bounds.append(("emulator_bound_via_proxy", "ratio_via_proxy", True))
    history = []
    for index in range(rounds):
        print(f"bench: {label}: tomwatch (round {index + 1} of {rounds})", file=sys.stderr)
        run = audited(binary, config, work, manifest, latency)
        for key, ratio, through_proxy in bounds:
            print(f"bench: {label}: replay{' through the proxy' if through_proxy else ''}", file=sys.stderr)
            best = history[0][key]["best_concurrency"] if history else 0
            run[key] = replay(work, latency, through_proxy=through_proxy, concurrency=best)
            run[ratio] = round(run["wall_s"] / run[key]["best_wall"], 2)
        history.append(run)
    summary = dict(history[0])
    for field in ("wall_s", "cpu_s", "peak_rss_mib"):
        summary[field] = statistics.median(run[field] for run in history)
    for key, ratio, _ in bounds:
        summary[key] = dict(history[0][key], best_wall=statistics.median(run[key]["best_wall"] for run in history))
        summary[ratio] = round(statistics.median(run[ratio] for run in history), 2)
        summary[f"{ratio}_rounds"] = [run[ratio] for run in history]
    summary["verdicts_exact"] = all(run["verdicts_exact"] for run in history)
    summary["unknown"] = max(run["unknown"] for run in history)
    summary["rounds"] = [{field: run[field] for field in ("wall_s", "cpu_s", "peak_rss_mib", "unknown")} for run in history]
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000x1,5000x10,10000x50", help="RESOURCESxACCOUNTS,...")
    parser.add_argument("--regions", default="eu-central-1,eu-west-1")
    parser.add_argument("--latency-ms", type=float, default=40.0)
    parser.add_argument(
        "--prowler", default="", metavar="SIZES",
        help="also run Prowler on these sizes (RESOURCESxACCOUNTS,...; `all` for every size)",
    )
    parser.add_argument("--binary", required=True)
    parser.add_argument(
        "--repeat", type=int, default=3, metavar="N",
        help="rounds per size and latency (tomwatch, then the replays); the table shows medians",
    )
    parser.add_argument("--out", default=str(BENCH / "results"))
    parser.add_argument(
        "--account-base", type=int, default=500_000_000_000,
        help="accounts are numbered from here (each size its own range); another base seeds anew",
    )
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat needs at least one round")
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for index, size in enumerate(args.sizes.split(",")):
        resources, accounts = (int(n) for n in size.lower().split("x"))
        first = args.account_base + (resources * 100 + accounts) * 100
        work = out / f"{resources}x{accounts}"
        work.mkdir(exist_ok=True)
        manifest_path = work / "manifest.json"
        if not seeded(manifest_path, resources, accounts, first):
            print(f"bench: seeding {resources} resources into {accounts} accounts", file=sys.stderr)
            subprocess.run(
                [str(PYTHON), str(BENCH / "estate.py"), "--resources", str(resources), "--accounts", str(accounts),
                 "--regions", args.regions, "--first-account", str(first), "--manifest", str(manifest_path)],
                check=True,
            )
        manifest = json.loads(manifest_path.read_text())
        config = work / "tomwatch.yaml"
        config_for(manifest, config)
        row = {"resources": manifest["resources"], "accounts": accounts, "regions": manifest["regions"]}
        print(f"bench: {size}: warm-up audit (untimed)", file=sys.stderr)
        warm_up(args.binary, config, work)
        # With latency first: its proxy records the requests that both replays send.
        for latency in (args.latency_ms, 0.0):
            run = measure_rounds(args.binary, config, work, manifest, latency, args.repeat, f"{size} at {latency:g} ms")
            if args.prowler == "all" or size in args.prowler.split(","):
                print(f"bench: {size} at {latency:g} ms: prowler", file=sys.stderr)
                run["prowler"] = prowler_run(manifest, work, latency)
                run["prowler_ratio"] = round(run["prowler"]["wall_s"] / run["wall_s"], 1)
            row[f"{latency:g}ms"] = run
        results.append(row)
        print(json.dumps({k: v for k, v in row.items()}, default=str)[:4000], file=sys.stderr)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    (out / f"{stamp}.json").write_text(json.dumps({"binary": args.binary, "results": results}, indent=1))
    print(table(results, args.latency_ms))
    return 0 if all(r[k]["verdicts_exact"] for r in results for k in r if k.endswith("ms")) else 1


def ratio_cell(run: dict, ratio: str) -> str:
    """The median ratio, and the range of the rounds' ratios when there was more than one."""
    rounds = run.get(f"{ratio}_rounds", [])
    spread = f" ({min(rounds)}–{max(rounds)})" if len(rounds) > 1 else ""
    return f"{run[ratio]}×{spread}"


def table(results: list, latency: float) -> str:
    lines = [
        "| Resources × accounts | Latency | tomwatch wall | Emulator-bound wall | Ratio | Through the proxy | Ratio | CPU | "
        "CPU/wall | Peak RSS | Requests (retries) | Connections | Verdicts exact | Prowler wall | Prowler RSS | "
        "Prowler ÷ tomwatch |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in results:
        for key in (k for k in row if k.endswith("ms")):
            run = row[key]
            prowler, via = run.get("prowler"), run.get("emulator_bound_via_proxy")
            lines.append(
                f"| {row['resources']:,} × {row['accounts']} | {key} | {run['wall_s']} s | "
                f"{run['emulator_bound']['best_wall']} s (c={run['emulator_bound']['best_concurrency']}) | "
                f"{ratio_cell(run, 'ratio_to_emulator')} | "
                + (f"{via['best_wall']} s (c={via['best_concurrency']}) | {ratio_cell(run, 'ratio_via_proxy')} | " if via else "– | – | ")
                + f"{run['cpu_s']} s | {100 * run['cpu_s'] / max(run['wall_s'], 0.01):.0f} % | "
                f"{run['peak_rss_mib']} MiB | {run['requests']:,} ({run['retries']}) | {run.get('connections', '–')} | "
                f"{'yes' if run['verdicts_exact'] else 'NO'} | "
                + (f"{prowler['wall_s']} s | {prowler['peak_rss_mib']} MiB | {run['prowler_ratio']}× |" if prowler else "– | – | – |")
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
