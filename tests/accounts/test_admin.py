"""The admin site: the technical administrator manages settings and accounts, nothing else."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from ancrage.kernel.access import Role
from tests.conftest import login


def test_logged_in_user_without_the_right_gets_403_not_a_redirect_loop(client, world):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1


def test_anonymous_admin_visitor_goes_to_the_product_login(client, world):
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/compte/connexion/?next=/admin/")


def test_technical_administrator_can_reset_a_device_but_not_read_its_secret(client, world):
    device = TOTPDevice.objects.create(
        user=world.users[Role.HEAD_OF_SERVICE], name="téléphone", confirmed=True
    )
    login(client, world.users[Role.TECH_ADMIN])
    response = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert response.status_code == 200
    assert device.key not in response.content.decode()


def test_technical_administrator_manages_houses(client, world):
    login(client, world.users[Role.TECH_ADMIN])
    response = client.post(
        f"/admin/organisation/unit/{world.house.pk}/change/",
        {
            "establishment": world.village.pk,
            "kind": "house",
            "name": world.house.name,
            "capacity": 4,
            "active": "on",
        },
    )
    assert response.status_code == 302
    world.house.refresh_from_db()
    assert world.house.capacity == 4


def test_technical_administrator_sees_no_person_in_the_admin(client, world):
    login(client, world.users[Role.TECH_ADMIN])
    response = client.get(f"/admin/people/person/?q={world.child.last_name}")
    assert response.context["cl"].result_count == 0
    assert client.get(f"/admin/people/person/{world.child.pk}/change/").status_code in (302, 404)
