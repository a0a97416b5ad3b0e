from ancrage.kernel.access import Role
from tests.conftest import login


def test_house_parent_sees_child_page(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    response = client.get(f"/personnes/{world.child.reference}/")
    assert response.status_code == 200
    assert "Hugo" in response.content.decode()
