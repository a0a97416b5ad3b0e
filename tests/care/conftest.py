import pytest

from ancrage.kernel.access import Role
from tests.care.factories_ppe import care_records  # noqa: F401 (fixture)


@pytest.fixture
def head(world):
    return world.users[Role.HEAD_OF_SERVICE]
