"""Exit 0 iff LocalStack at ENDPOINT reports every named service as available or running.

Usage: health.py ENDPOINT SERVICE...   (prints the services that are missing or not ready)
"""

import json
import sys
import urllib.request


def main() -> int:
    endpoint, wanted = sys.argv[1], sys.argv[2:]
    try:
        with urllib.request.urlopen(f"{endpoint}/_localstack/health", timeout=3) as response:
            services = json.load(response).get("services", {})
    except Exception as error:  # noqa: BLE001 - any failure means "not healthy yet"
        print(f"no answer from {endpoint}: {error}")
        return 1
    missing = [s for s in wanted if services.get(s) not in ("available", "running")]
    for service in missing:
        print(f"{service}: {services.get(service, 'absent')}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
