"""The emulator's own limit for a call mix: replays recorded requests straight to LocalStack.

    python bench/replay.py --requests audit.requests --upstream 127.0.0.1:4566 \
        --concurrency 4,8,16,32,64 [--latency-ms 40 | --through 127.0.0.1:4599]

The requests are the ones tomwatch sent during an audit, as bench/proxy.py --record wrote them
(LocalStack does not check signatures or their age, so they replay as they were). A minimal
asyncio client sends them all at each concurrency, each on a connection of its own (LocalStack
closes every connection after its answer), optionally after the same per-request latency the
proxy adds, and prints the best wall time as JSON: the emulator-bound wall time of that call
mix, which no client can beat on this machine.

With `--through`, the requests go instead through a running latency proxy on kept-alive
connections (one per unit of concurrency), which is how tomwatch's own requests travel when
latency is added: the proxy's CPU then weighs on LocalStack's two cores in both measurements.
"""

import argparse
import asyncio
import collections
import json
import sys
import time

from proxy import round_trip


def load(path: str) -> list:
    requests = []
    with open(path, "rb") as recorded:
        data = recorded.read()
    offset = 0
    while offset < len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        requests.append(data[offset + 4 : offset + 4 + size])
        offset += 4 + size
    return requests


async def send(upstream, request: bytes, latency: float) -> bool:
    if latency:
        await asyncio.sleep(latency)
    answer = await round_trip(upstream, request)
    return answer.startswith(b"HTTP/1.1 ")


async def read_response(reader: asyncio.StreamReader, head_request: bool) -> bytes:
    """One response on a kept-alive connection, framed as bench/proxy.py frames it (Content-Length)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = b"" if head_request else await reader.readexactly(length)
    return head + body


async def replay_kept_alive(requests: list, proxy, connections: int) -> tuple:
    """The requests through the latency proxy on `connections` kept-alive connections, as a
    client of AWS sends them: the proxy adds the latency (and each connection's handshake) and
    spends its own CPU beside LocalStack's, as it does for tomwatch's requests."""
    queue = collections.deque(requests)
    answered = 0

    async def worker():
        nonlocal answered
        reader, writer = await asyncio.open_connection(*proxy)
        try:
            while queue:
                request = queue.popleft()
                writer.write(request)
                await writer.drain()
                answer = await read_response(reader, request.startswith(b"HEAD "))
                answered += answer.startswith(b"HTTP/1.1 ")
        finally:
            writer.close()

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(min(connections, len(requests)))))
    return time.monotonic() - started, answered


async def replay(requests: list, upstream, concurrency: int, latency: float) -> tuple:
    limit = asyncio.Semaphore(concurrency)
    answered = 0

    async def one(request):
        nonlocal answered
        async with limit:
            # Awaited first: `answered += await ...` would read `answered` before the wait.
            ok = await send(upstream, request, latency)
        answered += ok

    started = time.monotonic()
    await asyncio.gather(*(one(r) for r in requests))
    return time.monotonic() - started, answered


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", required=True)
    parser.add_argument("--upstream", default="127.0.0.1:4566")
    parser.add_argument("--concurrency", default="4,8,16,32,64")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument(
        "--through", help="HOST:PORT of a running bench/proxy.py: send through it on kept-alive connections"
    )
    args = parser.parse_args()
    host, port = (args.through or args.upstream).rsplit(":", 1)
    requests = load(args.requests)
    runs = {}
    for concurrency in (int(c) for c in args.concurrency.split(",")):
        if args.through:
            wall, answered = await replay_kept_alive(requests, (host, int(port)), concurrency)
        else:
            wall, answered = await replay(requests, (host, int(port)), concurrency, args.latency_ms / 1000)
        if answered != len(requests):
            print(f"bench/replay.py: {len(requests) - answered} requests unanswered", file=sys.stderr)
            return 1
        runs[concurrency] = round(wall, 3)
    best = min(runs, key=runs.get)
    print(json.dumps({"requests": len(requests), "walls": runs, "best_concurrency": best, "best_wall": runs[best]}))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
