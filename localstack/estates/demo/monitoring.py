"""Threat detection plants of the demo estate (TOM-AVAIL: GuardDuty in every allowed region)."""


def guardduty(estate, account, enabled_in, eu_regions):
    """Creates an enabled detector in `enabled_in` and records the verdict of every region tomwatch
    scans: regions outside the EU are not applicable."""
    for region in estate.scanned_regions(account):
        if region in enabled_in:
            client = estate.client("guardduty", account, region)
            detector = client.create_detector(Enable=True)["DetectorId"]
            assert client.get_detector(DetectorId=detector)["Status"] == "ENABLED"
        if region in eu_regions:
            status = "PASS" if region in enabled_in else "FAIL"
        else:
            status = "NOT_APPLICABLE"
        arn = f"arn:aws:guardduty:{region}:{account}:detector/*"
        estate.expect("guardduty_detector_enabled", account, region, arn, status)


def alarm(estate, account, region, name, actions=True, enabled=True, band=False):
    """A latency alarm; `actions` gives it the on-call topic, `enabled` keeps its actions on, and
    `band` compares against an anomaly-detection band instead of a fixed threshold."""
    client = estate.client("cloudwatch", account, region)
    notify = dict(ActionsEnabled=enabled, AlarmActions=[f"arn:aws:sns:{region}:{account}:oncall"] if actions else [])
    if band:
        latency = {"Namespace": "AWS/ApplicationELB", "MetricName": "TargetResponseTime"}
        client.put_metric_alarm(
            AlarmName=name, EvaluationPeriods=3, ThresholdMetricId="band",
            ComparisonOperator="LessThanLowerOrGreaterThanUpperThreshold",
            Metrics=[
                {"Id": "m1", "ReturnData": True, "MetricStat": {"Metric": latency, "Period": 60, "Stat": "Average"}},
                {"Id": "band", "ReturnData": True, "Expression": "ANOMALY_DETECTION_BAND(m1, 2)"},
            ],
            **notify,
        )
        stored = client.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
        assert stored.get("ThresholdMetricId") == "band", stored
    else:
        client.put_metric_alarm(
            AlarmName=name, Namespace="AWS/ApplicationELB", MetricName="TargetResponseTime", Statistic="Average",
            Period=60, EvaluationPeriods=3, Threshold=1.0, ComparisonOperator="GreaterThanThreshold", **notify,
        )


def alarm_verdicts(estate, account, busy):
    """Records the verdict of every region: one in `busy` (it runs workloads) needs an alarm with
    an enabled action, and in a production account one on an anomaly-detection band; one with
    alarms but no workloads is not applicable to the first and draws no anomaly finding."""
    for region in estate.scanned_regions(account):
        alarms = estate.client("cloudwatch", account, region).describe_alarms(
            AlarmTypes=["MetricAlarm", "CompositeAlarm"]
        )
        alarms = alarms["MetricAlarms"] + alarms["CompositeAlarms"]
        notifying = any(a["ActionsEnabled"] and a["AlarmActions"] for a in alarms)
        arn = f"arn:aws:cloudwatch:{region}:{account}:alarm:*"
        if region in busy:
            estate.expect("cloudwatch_region_alarms_with_actions", account, region, arn, "PASS" if notifying else "FAIL")
            banded = any(a["ActionsEnabled"] and a["AlarmActions"] and a.get("ThresholdMetricId") for a in alarms)
            if estate.environment.get(account) == "production":
                anomaly = "PASS" if banded else "FAIL"
            else:
                anomaly = "NOT_APPLICABLE"
            estate.expect("cloudwatch_region_anomaly_detection", account, region, arn, anomaly)
        elif alarms:
            estate.expect("cloudwatch_region_alarms_with_actions", account, region, arn, "NOT_APPLICABLE")
