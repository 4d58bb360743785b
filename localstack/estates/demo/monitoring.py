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
