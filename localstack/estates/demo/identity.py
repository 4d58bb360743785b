"""IAM, Organizations and Cognito plants of the demo estate (TOM-ACCESS, TOM-ACCOUNTS, TOM-AUTHN).

Root MFA and access-key age cannot be set through any AWS API; the LocalStack extension's
iam_fixtures makes them plantable (a virtual MFA device named `root-account-mfa-device`, and
`tomwatch-fixture:*` user tags).
"""

import json

from estate import EU_REGIONS

STRONG_PASSWORD_POLICY = dict(
    MinimumPasswordLength=14,
    RequireSymbols=True,
    RequireNumbers=True,
    RequireUppercaseCharacters=True,
    RequireLowercaseCharacters=True,
    PasswordReusePrevention=24,
    MaxPasswordAge=90,
)


def root(account):
    return f"arn:aws:iam::{account}:root"


def root_mfa(estate, account, enabled):
    iam = estate.client("iam", account, "eu-central-1")
    if enabled:
        iam.create_virtual_mfa_device(VirtualMFADeviceName="root-account-mfa-device")
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["AccountMFAEnabled"] == int(enabled), f"{account}: {summary}"
    estate.expect("iam_root_mfa_enabled", account, "global", root(account), "PASS" if enabled else "FAIL")


def root_access_key(estate, account, present):
    """A root access key, through the extension's marker (only root signed in can make one)."""
    iam = estate.client("iam", account, "eu-central-1")
    if present:
        document = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
        iam.create_policy(PolicyName="tomwatch-fixture-root-access-key", PolicyDocument=json.dumps(document))
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["AccountAccessKeysPresent"] == int(present), f"{account}: {summary}"
    estate.expect("iam_root_access_keys_absent", account, "global", root(account), "FAIL" if present else "PASS")


def password_policy(estate, account, strong):
    iam = estate.client("iam", account, "eu-central-1")
    if strong:
        iam.update_account_password_policy(**STRONG_PASSWORD_POLICY)
        assert iam.get_account_password_policy()["PasswordPolicy"]["MinimumPasswordLength"] == 14
    estate.expect("iam_password_policy_strong", account, "global", root(account), "PASS" if strong else "FAIL")


def user(estate, account, name, console=False, mfa=False, key_age_days=None, key_last_used_days=None):
    """A user; `console` gives it a password, `mfa` an enabled virtual device, `key_age_days` an
    active access key created that long ago."""
    iam = estate.client("iam", account, "eu-central-1")
    tags = []
    if key_age_days is not None:
        tags.append({"Key": "tomwatch-fixture:key-age-days", "Value": str(key_age_days)})
    if key_last_used_days is not None:
        tags.append({"Key": "tomwatch-fixture:key-last-used-days", "Value": str(key_last_used_days)})
    arn = iam.create_user(UserName=name, Tags=tags)["User"]["Arn"]
    if console:
        iam.create_login_profile(UserName=name, Password="Not-a-real-password-1!")
    if mfa:
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
        iam.enable_mfa_device(UserName=name, SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321")
        assert iam.list_mfa_devices(UserName=name)["MFADevices"], f"{name}: MFA not enabled"
    if console:
        estate.expect("iam_user_console_mfa", account, "global", arn, "PASS" if mfa else "FAIL")
    else:
        estate.expect("iam_user_console_mfa", account, "global", arn, "NOT_APPLICABLE")
    if key_age_days is None:
        estate.expect("iam_access_key_rotated", account, "global", arn, "NOT_APPLICABLE")
        return
    key = iam.create_access_key(UserName=name)["AccessKey"]
    age = (key["CreateDate"].now(key["CreateDate"].tzinfo) - key["CreateDate"]).days
    assert age >= key_age_days, f"{name}: key is {age} days old; is the LocalStack extension installed?"
    too_old = key_age_days > 90
    idle = (key_last_used_days is None and key_age_days > 90) or (key_last_used_days or 0) > 90
    status = "FAIL" if too_old or idle else "PASS"
    estate.expect("iam_access_key_rotated", account, "global", arn, status)


def organization(estate, account, member):
    """`member`: the account creates (and so is the management account of) an organization."""
    if member:
        estate.client("organizations", account, "us-east-1").create_organization(FeatureSet="ALL")
    estate.expect("organizations_account_member", account, "global", root(account), "PASS" if member else "FAIL")


def environment_declared(estate, account, declared):
    """What the test configs declare for the account: `dev` is not one of the baseline's
    environments (production, staging, development), so it fails."""
    status = "PASS" if declared in ("production", "staging", "development") else "FAIL"
    estate.expect("account_environment_declared", account, "global", root(account), status)


def user_pool(estate, account, region, name, mfa="ON", min_length=12, symbols=True, threat_protection="ENFORCED"):
    """A Cognito user pool; the defaults meet the baseline."""
    cognito = estate.client("cognito-idp", account, region)
    args = dict(
        PoolName=name,
        MfaConfiguration=mfa,
        Policies={"PasswordPolicy": {
            "MinimumLength": min_length, "RequireUppercase": True, "RequireLowercase": True, "RequireNumbers": True,
            "RequireSymbols": symbols,
        }},
    )
    if threat_protection:
        args["UserPoolAddOns"] = {"AdvancedSecurityMode": threat_protection}
    pool = cognito.create_user_pool(**args)["UserPool"]
    stored = cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert stored.get("MfaConfiguration", "OFF") == mfa, f"{name}: {stored}"
    arn = stored["Arn"]
    estate.expect("cognito_user_pool_mfa_required", account, region, arn, "PASS" if mfa == "ON" else "FAIL")
    strong = min_length >= 12 and symbols
    estate.expect("cognito_user_pool_password_policy", account, region, arn, "PASS" if strong else "FAIL")
    enforced = threat_protection == "ENFORCED"
    estate.expect("cognito_user_pool_threat_protection", account, region, arn, "PASS" if enforced else "FAIL")
    in_eu = region in EU_REGIONS
    estate.expect("cognito_user_pool_allowed_region", account, region, arn, "PASS" if in_eu else "FAIL")
