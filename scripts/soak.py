"""Soak: `tomwatch serve` through many short scan cycles against LocalStack, RSS sampled.

Run by scripts/soak. Counts cycles by the daemon's own `scan finished` log lines (one per account
per scan), samples VmRSS from /proc every few cycles, and writes the samples as CSV and a summary
that says whether the memory plateaued: the growth over the second half of the run, per hundred
cycles, against the first half's.
"""

import argparse
import csv
import os
import signal
import subprocess
import sys
import time
import urllib.request


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cycles(log_path, account):
    needle = f"account_id={account}"
    with open(log_path, errors="replace") as log:
        return sum(1 for line in log if "scan finished" in line and needle in line)


def scrape(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        return answer.status


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--account", default="111111111111")
    parser.add_argument("--port", type=int, default=19901)
    parser.add_argument("--every", type=int, default=10, help="sample every N cycles")
    args = parser.parse_args()

    os.makedirs(args.dir, exist_ok=True)
    log_path = os.path.join(args.dir, "serve.log")
    with open(log_path, "w") as log:
        daemon = subprocess.Popen(
            [args.binary, "serve", "--config", args.config,
             "--web.listen-address", f"127.0.0.1:{args.port}",
             "--storage.path", os.path.join(args.dir, "store")],
            stdout=subprocess.DEVNULL, stderr=log,
            env={**os.environ, "RUST_LOG": "info"},
        )
    samples = []  # (cycle, seconds since start, rss KiB)
    started = time.monotonic()
    next_sample = 0
    scrape_errors = 0
    try:
        while True:
            if daemon.poll() is not None:
                sys.exit(f"soak: tomwatch serve exited with {daemon.returncode}; see {log_path}")
            done = cycles(log_path, args.account)
            if done >= next_sample:
                if done > 0:  # before the first scan the listener may not be up yet
                    try:
                        scrape(args.port)
                    except Exception:
                        scrape_errors += 1
                samples.append((done, round(time.monotonic() - started, 1), rss_kib(daemon.pid)))
                print(f"cycle {done:5d}  rss {samples[-1][2] / 1024:7.1f} MiB", flush=True)
                next_sample = done + args.every
            if done >= args.cycles:
                break
            time.sleep(0.5)
    finally:
        daemon.send_signal(signal.SIGTERM)
        code = daemon.wait(timeout=30)

    with open(os.path.join(args.dir, "rss.csv"), "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["cycle", "seconds", "rss_kib"])
        writer.writerows(samples)

    def at(cycle):
        return min(samples, key=lambda s: abs(s[0] - cycle))

    half = args.cycles // 2
    early, middle, last = at(args.cycles // 10), at(half), samples[-1]
    per_100 = lambda a, b: (b[2] - a[2]) / max(b[0] - a[0], 1) * 100
    peak = max(s[2] for s in samples)
    print()
    print(f"cycles: {last[0]} in {last[1]:.0f} s ({last[1] / max(last[0], 1):.2f} s per cycle)")
    for label, sample in (("at 10 %", early), ("at 50 %", middle), ("at the end", last)):
        print(f"rss {label:10s} (cycle {sample[0]:5d}): {sample[2] / 1024:7.1f} MiB")
    print(f"rss peak: {peak / 1024:.1f} MiB")
    print(f"growth per 100 cycles: first half {per_100(early, middle):+.0f} KiB, "
          f"second half {per_100(middle, last):+.0f} KiB")
    print(f"scrape errors: {scrape_errors}; exit on SIGTERM: {code}")
    # A plateau: the second half adds less than 2 % of the mid-run RSS.
    grew = last[2] - middle[2]
    plateau = grew <= 0.02 * middle[2]
    print(f"plateau: {'yes' if plateau else 'NO'} (second half {grew / 1024:+.1f} MiB)")
    sys.exit(0 if plateau and code == 0 and scrape_errors == 0 else 1)


if __name__ == "__main__":
    main()
