"""Where an audit's wall time went, from the timeline bench/proxy.py --timeline wrote.

    python bench/timeline.py bench/results/1000x1/timeline-40ms.json [--bucket-ms 250]

Prints, per service, when its first request arrived and its last was answered, and then the
requests in flight over time: the stretches where few are in flight are where the audit waits
on a chain of round trips rather than on the emulator.
"""

import argparse
import collections
import json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("timeline")
    parser.add_argument("--bucket-ms", type=float, default=250.0)
    args = parser.parse_args()
    requests = json.load(open(args.timeline))
    if not requests:
        print("no requests")
        return
    origin = min(start for start, _, _, _ in requests)
    spans: dict = {}
    for start, end, service, _ in requests:
        first, last, count = spans.get(service, (start, end, 0))
        spans[service] = (min(first, start), max(last, end), count + 1)
    print(f"{'service':<24}{'requests':>9}{'first (s)':>11}{'last (s)':>10}")
    for service, (first, last, count) in sorted(spans.items(), key=lambda item: item[1][1]):
        print(f"{service:<24}{count:>9}{first - origin:>11.3f}{last - origin:>10.3f}")
    bucket = args.bucket_ms / 1000
    busy: collections.Counter = collections.Counter()
    for start, end, _, _ in requests:
        # Seconds in flight within each bucket, so the average in flight is busy / bucket.
        for index in range(int((start - origin) // bucket), int((end - origin) // bucket) + 1):
            low, high = origin + index * bucket, origin + (index + 1) * bucket
            busy[index] += max(0.0, min(end, high) - max(start, low))
    print(f"\n{'from (s)':>9}  average in flight")
    for index in range(max(busy) + 1):
        average = busy[index] / bucket
        print(f"{index * bucket:>9.2f}  {average:6.1f} {'#' * min(int(average), 100)}")


if __name__ == "__main__":
    main()
