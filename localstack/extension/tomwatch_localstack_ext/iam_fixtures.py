"""Three IAM facts no API can set, made plantable for the demo estate.

* Root MFA: AWS enables it only through the console, and moto hard-codes AccountMFAEnabled = 0.
  Here an account counts as having root MFA when it holds a virtual MFA device named
  `root-account-mfa-device`, the name the console gives the root user's device.
* Root access keys: only the root user signed in can create them, and moto hard-codes
  AccountAccessKeysPresent = 0. Here an account counts as having one when it holds a
  customer-managed policy named `tomwatch-fixture-root-access-key` (a marker no check reads).
* Access key age: keys are always created "now". A user tagged
  `tomwatch-fixture:key-age-days = N` gets keys created N days ago, and
  `tomwatch-fixture:key-last-used-days = M` marks them as last used M days ago, so that the
  rotation check can be shown failing on an old or idle key.

Installed at LocalStack start (an on_infra_start hook), before any IAM request.
"""

from datetime import timedelta

from localstack.runtime import hooks

ROOT_DEVICE = "root-account-mfa-device"
ROOT_KEY_MARKER = "tomwatch-fixture-root-access-key"


@hooks.on_infra_start()
def install_iam_fixtures():
    from moto.iam import models

    original_summary = models.AccountSummary.summary_map

    def summary_map(self):
        summary = dict(original_summary.fget(self))
        devices = self._iam_backend.virtual_mfa_devices
        if any(serial.endswith(f":mfa/{ROOT_DEVICE}") for serial in devices):
            summary["AccountMFAEnabled"] = 1
        if any(arn.endswith(f":policy/{ROOT_KEY_MARKER}") for arn in self._iam_backend.managed_policies):
            summary["AccountAccessKeysPresent"] = 1
        return summary

    models.AccountSummary.summary_map = property(summary_map)

    original_create = models.IAMBackend.create_access_key

    def create_access_key(self, user_name, *args, **kwargs):
        key = original_create(self, user_name, *args, **kwargs)
        tags = self.tagger.get_tag_dict_for_resource(self.get_user(user_name).arn)
        age = tags.get("tomwatch-fixture:key-age-days")
        if age:
            key.create_date = key.create_date - timedelta(days=int(age))
        used = tags.get("tomwatch-fixture:key-last-used-days")
        if used:
            key.last_used = models.AccessKeyLastUsed(
                timestamp=models.utcnow() - timedelta(days=int(used)), service="s3", region="eu-central-1"
            )
        return key

    models.IAMBackend.create_access_key = create_access_key
