"""A loopback HTTP/1.1 proxy between an AWS client and LocalStack that adds latency and counts.

    python bench/proxy.py --listen 127.0.0.1:4599 --upstream 127.0.0.1:4566 --latency-ms 40 \
        --stats stats.json

Point a client at it with AWS_ENDPOINT_URL=http://127.0.0.1:4599. Every request waits
`--latency-ms` before it is forwarded (AWS answers in tens of milliseconds, the emulator in a
few), and every new connection `--handshake-ms` (TCP and TLS), so concurrency, call counts and
connection reuse weigh as they do against AWS. LocalStack closes every connection after its
answer; the proxy keeps the client's connection open, as AWS does, and sends each request
upstream on a connection of its own. It counts TCP connections
and requests, by service and operation (service from the SigV4 credential scope; operation from
X-Amz-Target, the query protocol's Action, or the REST method and the path's first segment),
and writes them to `--stats` as JSON on SIGTERM/SIGINT or when asked (SIGUSR1); with
`--timeline`, also when each request arrived and was answered (bench/timeline.py reads it).

Loopback only: it refuses to listen elsewhere. One process, asyncio; requests are parsed just
enough to find their end (Content-Length; chunked bodies are relayed as they come).
"""

import argparse
import asyncio
import collections
import json
import re
import signal
import sys
import time
import urllib.parse

SCOPE = re.compile(rb"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")


class Stats:
    def __init__(self) -> None:
        self.recorded: list = []
        self.record = False
        self.connections = 0
        self.requests = 0
        self.by_call: collections.Counter = collections.Counter()
        self.max_in_flight = 0
        self.in_flight = 0
        # (start, end, service, operation) per request, seconds since the proxy started.
        self.timeline: list = []
        self.started = 0.0

    def as_json(self) -> dict:
        calls = collections.defaultdict(dict)
        for (service, operation), count in sorted(self.by_call.items()):
            calls[service][operation] = count
        return {
            "connections": self.connections,
            "requests": self.requests,
            "max_in_flight": self.max_in_flight,
            "calls": calls,
        }


def operation_of(method: bytes, target: bytes, headers: dict, body: bytes) -> str:
    if b"x-amz-target" in headers:
        return headers[b"x-amz-target"].split(b".")[-1].decode(errors="replace")
    if body and headers.get(b"content-type", b"").startswith(b"application/x-www-form-urlencoded"):
        action = urllib.parse.parse_qs(body.decode(errors="replace")).get("Action")
        if action:
            return action[0]
    path = urllib.parse.urlsplit(target.decode(errors="replace"))
    query = urllib.parse.parse_qs(path.query)
    if "Action" in query:
        return query["Action"][0]
    segments = [s for s in path.path.split("/") if s]
    # REST APIs: the method and the first path segment stand for the operation (an S3 bucket
    # or a Lambda version date would be unbounded, so those read as "*").
    first = segments[0] if segments else ""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", first) and len(segments) > 1:
        first = segments[1]
    if len(first) >= 24 or re.search(r"[.\d]", first):
        first = "*"
    subresource = next(iter(sorted(query)), "")
    return f"{method.decode()} /{first}" + (f"?{subresource}" if subresource else "")


async def read_request(reader: asyncio.StreamReader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    method, target, _ = lines[0].split(b" ", 2)
    headers = {}
    for line in lines[1:]:
        if b":" in line:
            key, value = line.split(b":", 1)
            headers[key.strip().lower()] = value.strip()
    body = b""
    if b"content-length" in headers:
        body = await reader.readexactly(int(headers[b"content-length"]))
    elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            body += size_line + chunk
            if size == 0:  # no trailers: AWS clients send none
                break
    return method, target, headers, head, body


async def round_trip(upstream, request: bytes) -> bytes:
    """One request on a fresh upstream connection (LocalStack answers `Connection: close`), its
    response read to the end. bench/replay.py sends its requests the same way."""
    reader, writer = await asyncio.open_connection(*upstream)
    try:
        writer.write(request)
        await writer.drain()
        return await reader.read()
    finally:
        writer.close()


async def exchange(upstream, request: bytes, head_request: bool) -> bytes:
    """One request's `round_trip`, its response rewritten to keep the client's connection open,
    as AWS does."""
    raw = await round_trip(upstream, request)
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    kept = [lines[0]]
    chunked = False
    for line in lines[1:]:
        name = line.split(b":", 1)[0].strip().lower()
        if name == b"transfer-encoding" and b"chunked" in line.lower():
            chunked = True
            continue
        if name in (b"connection", b"keep-alive") or (name == b"content-length" and not head_request):
            continue
        kept.append(line)
    if chunked:
        body = dechunk(body)
    if not head_request:  # a HEAD answer keeps the length of the body it does not send
        kept.append(b"Content-Length: " + str(len(body)).encode())
    kept.append(b"Connection: keep-alive")
    return b"\r\n".join(kept) + b"\r\n\r\n" + body


def dechunk(body: bytes) -> bytes:
    out, rest = b"", body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2 :]
    return out


async def handle(client_reader, client_writer, upstream, latency, handshake, stats: Stats) -> None:
    stats.connections += 1
    try:
        # A new connection to AWS costs a TCP and a TLS handshake before its first request.
        if handshake:
            await asyncio.sleep(handshake)
        while True:
            try:
                method, target, headers, head, body = await read_request(client_reader)
            except (asyncio.IncompleteReadError, ConnectionError, ValueError):
                break
            stats.requests += 1
            scope = SCOPE.search(headers.get(b"authorization", b""))
            service = scope.group(2).decode() if scope else "unsigned"
            operation = operation_of(method, target, headers, body)
            stats.by_call[(service, operation)] += 1
            if stats.record:
                stats.recorded.append(head + body)
            stats.in_flight += 1
            stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
            arrived = time.monotonic()
            try:
                if latency:
                    await asyncio.sleep(latency)
                try:
                    response = await exchange(upstream, head + body, method == b"HEAD")
                except OSError:
                    break
            finally:
                stats.in_flight -= 1
            stats.timeline.append(
                (arrived - stats.started, time.monotonic() - stats.started, service, operation)
            )
            client_writer.write(response)
            await client_writer.drain()
    except ConnectionError:
        pass
    finally:
        client_writer.close()


def write_stats(path: str, stats: Stats) -> None:
    with open(path, "w") as out:
        json.dump(stats.as_json(), out, indent=1, sort_keys=True)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:4599")
    parser.add_argument("--upstream", default="127.0.0.1:4566")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every request")
    parser.add_argument(
        "--handshake-ms", type=float, default=None, help="added once per new connection (default: --latency-ms)"
    )
    parser.add_argument("--stats", required=True, help="where to write the counts")
    parser.add_argument("--record", help="also write every request, as sent, for bench/replay.py")
    parser.add_argument("--timeline", help="also write each request's arrival, answer, service and operation")
    args = parser.parse_args()
    if args.handshake_ms is None:
        args.handshake_ms = args.latency_ms
    listen_host, listen_port = args.listen.rsplit(":", 1)
    if listen_host not in ("127.0.0.1", "::1", "localhost"):
        print("bench/proxy.py: listens on loopback only", file=sys.stderr)
        return 2
    upstream_host, upstream_port = args.upstream.rsplit(":", 1)
    stats = Stats()
    stats.record = bool(args.record)
    stats.started = time.monotonic()
    server = await asyncio.start_server(
        lambda r, w: handle(
            r, w, (upstream_host, int(upstream_port)), args.latency_ms / 1000, args.handshake_ms / 1000, stats
        ),
        listen_host,
        int(listen_port),
        backlog=1024,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGUSR1, lambda: write_stats(args.stats, stats))
    print(f"proxy ready on {args.listen} -> {args.upstream}, {args.latency_ms} ms", flush=True)
    async with server:
        await stop.wait()
    write_stats(args.stats, stats)
    if args.timeline:
        with open(args.timeline, "w") as out:
            json.dump([[round(a, 4), round(b, 4), s, o] for a, b, s, o in stats.timeline], out)
    if args.record:
        with open(args.record, "wb") as out:
            for request in stats.recorded:
                out.write(len(request).to_bytes(4, "big") + request)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
