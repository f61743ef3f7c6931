"""A real S3-compatible server on loopback (moto in server mode) and the settings that point the file store at it."""

from __future__ import annotations

import uuid

import boto3
from moto.server import ThreadedMotoServer

from carryover.lib.tests.test_serve import free_port

ACCESS_KEY, SECRET_KEY, REGION = "carryover-test", "carryover-test-secret", "us-east-1"


class S3Server:
    """moto's S3 on 127.0.0.1, started and stopped by the tests (stopping it is how a test loses the store)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def new_bucket(self) -> str:
        name = f"carryover-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def env(self, bucket: str) -> dict[str, str]:
        """The environment a process needs to use this bucket (settings.py reads it)."""
        return {
            "FILE_STORE": "s3",
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.url,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def storage(self, bucket: str, *, secret_key: str = SECRET_KEY) -> dict:
        """`STORAGES["default"]` for this bucket, as settings.py builds it from `env`."""
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": self.url,
                "region_name": REGION,
                "access_key": ACCESS_KEY,
                "secret_key": secret_key,
                "default_acl": None,
                "file_overwrite": False,
            },
        }

    def objects(self, bucket: str) -> dict[str, bytes]:
        client = self.client()
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return {item["Key"]: client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read() for item in listed}
