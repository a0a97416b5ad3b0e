"""The key rotation of the encrypted columns as a task of Django's tasks API, run by a worker
(`ancrage reencrypt_incidents --queue`): on a large database it outlasts a request or a
terminal session."""

from django_tasks import task

from ancrage.safeguarding.rotation import reencrypt


@task()
def reencrypt_encrypted_columns() -> dict[str, int]:
    return reencrypt()
