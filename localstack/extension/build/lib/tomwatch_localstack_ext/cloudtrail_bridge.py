"""Lets moto's CloudTrail see buckets that live in LocalStack's native S3.

moto's `CreateTrail` validates the target bucket against moto's own S3 backend, which stays
empty because LocalStack serves S3 itself. Without this bridge every trail creation fails with
S3BucketDoesNotExistException.
"""

from moto.cloudtrail import models as cloudtrail_models
from moto.cloudtrail.exceptions import S3BucketDoesNotExistException


def _bucket_exists_in_localstack(bucket_name: str) -> bool:
    from localstack.services.s3.models import s3_stores

    # Bucket names are global across accounts; a trail may log into another account's bucket.
    for _account_id, regions in dict(s3_stores).items():
        for _region, store in dict(regions).items():
            if bucket_name in store.global_bucket_map or bucket_name in store.buckets:
                return True
    return False


def _check_bucket_exists(trail) -> None:
    if not _bucket_exists_in_localstack(trail.bucket_name):
        raise S3BucketDoesNotExistException(f"S3 bucket {trail.bucket_name} does not exist!")


def install() -> None:
    cloudtrail_models.Trail.check_bucket_exists = _check_bucket_exists
