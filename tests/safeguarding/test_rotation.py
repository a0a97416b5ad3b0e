"""Key rotation of the encrypted columns (ancrage/safeguarding/rotation.py): in batches, one
transaction each, and as a task run by the real worker (`reencrypt_incidents --queue`)."""

import io

import pytest
from django.core.management import call_command

from ancrage.safeguarding.models import Incident
from ancrage.safeguarding.rotation import ENCRYPTED, reencrypt
from tests.conftest import run_worker

NEW = "nouveau-sel-de-test-pour-la-rotation-2026"


@pytest.fixture
def rotated(settings):
    """The salts as during a rotation: a new salt first, the old ones still decrypting."""
    fields = [model._meta.get_field(name) for model, names in ENCRYPTED for name in names]

    def forget_keys():
        for field in fields:
            field.__dict__.pop("keys", None)
            field.__dict__.pop("f", None)

    old = list(settings.SALT_KEY)
    settings.SALT_KEY = [NEW, *old]
    forget_keys()

    def drop_old_salts():
        settings.SALT_KEY = [NEW]
        forget_keys()

    yield drop_old_salts
    settings.SALT_KEY = old
    forget_keys()


def narratives():
    return sorted(Incident.objects.values_list("narrative", flat=True))


def test_rotation_in_batches_reencrypts_every_row(incidents, rotated):
    before = narratives()
    assert len(before) >= 2
    counts = reencrypt(batch=1)  # a batch smaller than the table: every boundary is crossed
    assert counts["safeguarding.incident"] == len(before)
    rotated()  # only the new salt is left: every row must have been rewritten under it
    assert narratives() == before


@pytest.mark.django_db(transaction=True)
def test_rotation_queued_is_done_by_the_worker(incidents, rotated):
    before = narratives()
    out = io.StringIO()
    call_command("reencrypt_incidents", "--queue", stdout=out)
    assert "confié au worker" in out.getvalue()
    run_worker()
    rotated()
    assert narratives() == before
