"""`ancrage check`: a URL whose view declares no access rule stops the product from starting."""

from django.core.management import call_command
from django.http import HttpResponse
from django.test import override_settings
from django.urls import include, path

from ancrage.kernel.checks import every_url_has_an_access_rule


def forgotten(request):
    return HttpResponse("no rule")


urlpatterns = [path("", include("ancrage.urls")), path("oubli/", forgotten, name="forgotten")]


def test_every_url_of_the_product_declares_its_rule():
    assert every_url_has_an_access_rule(None) == []
    call_command("check", "--fail-level", "ERROR")


@override_settings(ROOT_URLCONF="tests.kernel.test_checks")
def test_a_view_without_a_rule_fails_the_check():
    errors = every_url_has_an_access_rule(None)
    assert [error.id for error in errors] == ["ancrage.E001"]
    assert "forgotten" in errors[0].msg
