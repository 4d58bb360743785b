"""Cuts a tomwatch.audit.v1 document to one finding per (check, verdict): the golden
input of tests/golden/demo. Usage: golden_cut.py FULL.json OUT.json"""
import json
import sys
from collections import Counter

PER_VERDICT = 1
MAX_ERRORS = 5


def cut(document):
    kept, seen = [], Counter()
    for finding in document["findings"]:
        key = (finding["check_id"], finding["status"], finding["suppressed"])
        if seen[key] < PER_VERDICT:
            seen[key] += 1
            kept.append(finding)
    document["findings"] = kept
    document["summary"] = dict(Counter(f["status"] for f in kept))
    document["suppressed"] = sum(1 for f in kept if f["suppressed"])
    document["errors"] = document["errors"][:MAX_ERRORS]
    document.pop("integrity", None)
    return document


if __name__ == "__main__":
    with open(sys.argv[1]) as source:
        document = cut(json.load(source))
    with open(sys.argv[2], "w") as target:
        json.dump(document, target, indent=2, ensure_ascii=False, sort_keys=True)
        target.write("\n")
