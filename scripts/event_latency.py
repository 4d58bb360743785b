"""Event-to-metric latency of `tomwatch serve` on LocalStack (issue 13).

Run by scripts/event-latency. Deploys deploy/events/central.cfn.yaml in the demo's production
account (once), starts `tomwatch serve` on a one-hour schedule reading that queue, then makes
--changes changes to one security group, alternately opening it to the world on PostgreSQL and
closing it again. Each change is followed by the CloudTrail-shaped event put on EventBridge,
naming the group as CloudTrail does (so the group alone is described again); the clock starts
when PutEvents has returned (the event is on its way to the queue) and stops at the first
scrape of /metrics that shows the group's new verdict. Prints p50/p95/max and the
daemon's own tomwatch_event_rescan_latency_seconds.
"""

import argparse
import datetime
import json
import math
import os
import signal
import subprocess
import sys
import time
import urllib.request

import boto3

ACCOUNT = "111111111111"
REGION = "eu-central-1"
CHECK = "ec2_security_group_world_ingress_web_only"
POSTGRES = [{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]


def client(service):
    return boto3.client(service, endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name=REGION,
                        aws_access_key_id=ACCOUNT, aws_secret_access_key="demo")


def event_queue(template):
    """The QueueUrl of the central stack, deployed if it is not yet."""
    cfn = client("cloudformation")
    try:
        stack = cfn.describe_stacks(StackName="tomwatch-events")["Stacks"][0]
    except cfn.exceptions.ClientError:
        cfn.create_stack(StackName="tomwatch-events", TemplateBody=open(template).read(),
                         Capabilities=["CAPABILITY_IAM"])
        stack = None
    while stack is None or stack["StackStatus"].endswith("IN_PROGRESS"):
        time.sleep(0.5)
        stack = cfn.describe_stacks(StackName="tomwatch-events")["Stacks"][0]
    if stack["StackStatus"] != "CREATE_COMPLETE":
        sys.exit(f"event-latency: the stack is {stack['StackStatus']}")
    url = next(o["OutputValue"] for o in stack["Outputs"] if o["OutputKey"] == "QueueUrl")
    # Left over from an earlier run: drained, not purged (a purge also drops what is sent in the
    # minute after it).
    sqs = client("sqs")
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        if not messages:
            return url
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def put_event(name, group):
    detail = {
        "eventVersion": "1.09", "eventSource": "ec2.amazonaws.com", "eventName": name,
        "awsRegion": REGION, "recipientAccountId": ACCOUNT, "readOnly": False,
        "requestParameters": {"groupId": group},
        "eventTime": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    answer = client("events").put_events(Entries=[{
        "Source": "aws.ec2", "DetailType": "AWS API Call via CloudTrail", "Detail": json.dumps(detail)}])
    assert answer["FailedEntryCount"] == 0, answer


def scrape(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        return answer.read().decode()


def failing(text, arn):
    needle = f'resource_id="{arn}"'
    return any(line.startswith("tomwatch_failing_resource{") and needle in line and f'check_id="{CHECK}"' in line
               and line.endswith(" 1") for line in text.splitlines())


def percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--config", required=True, help="the config to extend with the events section")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--template", required=True)
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--debounce", help="events.debounce (default: tomwatch's)")
    parser.add_argument("--port", type=int, default=19902)
    args = parser.parse_args()
    began = time.monotonic()

    url = event_queue(args.template)
    ec2 = client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["false"]}])["Vpcs"][0]["VpcId"]
    group = ec2.create_security_group(GroupName=f"tw-latency-{int(time.time())}", Description="latency",
                                      VpcId=vpc)["GroupId"]
    arn = f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{group}"

    config = os.path.join(args.dir, "config.yaml")
    with open(args.config) as base, open(config, "w") as out:
        out.write(base.read().replace("regions: all", f"regions: [{REGION}]"))
        out.write(f"schedule:\n  interval: 1h\n  jitter: 0\nevents:\n  queue_url: {url}\n")
        if args.debounce:
            out.write(f"  debounce: {args.debounce}\n")
    log_path = os.path.join(args.dir, "serve.log")
    with open(log_path, "w") as log:
        daemon = subprocess.Popen(
            [args.binary, "serve", "--config", config, "--web.listen-address", f"127.0.0.1:{args.port}",
             "--storage.path", os.path.join(args.dir, "store")],
            stdout=subprocess.DEVNULL, stderr=log, env={**os.environ, "RUST_LOG": "info"})
    latencies = []
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/-/ready", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except Exception:
                pass
            if daemon.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"event-latency: tomwatch serve did not become ready; see {log_path}")
            time.sleep(0.2)
        # A long poll of an earlier daemon that was stopped mid-wait may still be open on
        # LocalStack's side for up to 20 s: a message delivered to it stays invisible for the
        # queue's VisibilityTimeout (docs/EVENTS.md). Measured changes start after that.
        time.sleep(max(0.0, 21 - (time.monotonic() - began)))
        for change in range(args.changes):
            opening = change % 2 == 0
            if opening:
                ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=POSTGRES)
                put_event("AuthorizeSecurityGroupIngress", group)
            else:
                ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=POSTGRES)
                put_event("RevokeSecurityGroupIngress", group)
            started = time.monotonic()
            while failing(scrape(args.port), arn) != opening:
                if time.monotonic() - started > 60:
                    sys.exit(f"event-latency: change {change} not seen within 60 s; see {log_path}")
                time.sleep(0.01)
            latencies.append(time.monotonic() - started)
            print(f"change {change + 1:3d} ({'open ' if opening else 'close'}): {latencies[-1] * 1000:6.0f} ms",
                  flush=True)
        text = scrape(args.port)
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=30)
        if latencies and len(latencies) % 2 == 1:
            ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=POSTGRES)

    own = {line.split(" ")[0]: float(line.split(" ")[1]) for line in text.splitlines()
           if line.startswith("tomwatch_event_rescan_latency_seconds_") and "{" not in line}
    count = own.get("tomwatch_event_rescan_latency_seconds_count", 0)
    print()
    print(f"changes: {len(latencies)}, debounce: {args.debounce or 'default'}")
    print(f"event put -> metric: p50 {percentile(latencies, 50) * 1000:.0f} ms, "
          f"p95 {percentile(latencies, 95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms, "
          f"mean {sum(latencies) / len(latencies) * 1000:.0f} ms")
    if count:
        print(f"tomwatch_event_rescan_latency_seconds (from the event's whole-second time): "
              f"{int(count)} observations, mean {own['tomwatch_event_rescan_latency_seconds_sum'] / count * 1000:.0f} ms")


if __name__ == "__main__":
    main()
