"""The one form flow: a refusal comes back at its field and writes nothing; success gives the
message and the redirect, or the htmx partial. A button's POST (`act`) redirects both ways, with
the refusal as an error message."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from ancrage.kernel.flow import act, submit


class NameForm(forms.Form):
    name = forms.CharField(label="Nom")


def request(method="post", data=None, htmx=False):
    factory = RequestFactory()
    req = getattr(factory, method)("/", data or {})
    req.session = SessionStore()
    req._messages = FallbackStorage(req)
    req.htmx = htmx
    return req


def answer(req, save, **options):
    form = NameForm(req.POST or None)
    options.setdefault("template", "form_page.html")
    options.setdefault("context", {"title": "Essai"})
    return submit(req, form, save, **options)


def test_get_shows_the_form_page_without_calling_the_service():
    called = []
    response = answer(request("get"), called.append, success="/fin/")
    assert response.status_code == 200
    assert called == []
    assert 'name="name"' in response.content.decode()


def test_an_invalid_form_never_reaches_the_service():
    called = []
    response = answer(request(), called.append, success="/fin/", refused_status=422)
    assert response.status_code == 422
    assert called == []


def test_the_services_refusal_comes_back_at_the_field_it_names():
    def refuse(form):
        raise ValidationError({"name": "Ce nom est déjà pris."})

    response = answer(request(data={"name": "Léa"}), refuse, success="/fin/")
    assert response.status_code == 200
    assert "Ce nom est déjà pris." in response.content.decode()


def test_a_refusal_naming_no_field_goes_to_the_fallback_or_the_top():
    def refuse(form):
        raise ValidationError("Refusé en bloc.")

    response = answer(request(data={"name": "Léa"}), refuse, success="/fin/")
    assert "Refusé en bloc." in response.content.decode()


def test_success_gives_the_message_and_the_redirect():
    req = request(data={"name": "Léa"})
    response = answer(
        req,
        lambda form: form.cleaned_data["name"],
        success=lambda name: f"/personnes/{name}/",
        message=lambda name: f"{name} est enregistrée.",
    )
    assert response.status_code == 302
    assert response["Location"] == "/personnes/L%C3%A9a/"
    assert [str(m) for m in get_messages(req)] == ["Léa est enregistrée."]


def test_with_htmx_success_answers_the_partial():
    response = answer(
        request(data={"name": "Léa"}, htmx=True),
        lambda form: form.cleaned_data["name"],
        success="/fin/",
        partial="includes/form_errors.html",
    )
    assert response.status_code == 200


@pytest.mark.parametrize("valid", [True, False])
def test_every_form_given_must_be_valid(valid):
    called = []
    other = NameForm({"name": "Hugo"} if valid else {})
    answer(request(data={"name": "Léa"}), called.append, success="/fin/", also_valid=[other])
    assert bool(called) is valid


def test_a_context_function_is_built_only_for_a_page():
    built = []

    def context():
        built.append(True)
        return {"title": "Essai"}

    answer(request(data={"name": "Léa"}), lambda form: None, success="/fin/", context=context)
    assert built == []
    response = answer(request(), lambda form: None, success="/fin/", context=context)
    assert built == [True]
    assert "Essai" in response.content.decode()


def test_a_button_gives_its_message_and_goes_back():
    req = request()
    response = act(req, lambda: 3, success="/ppe/", message=lambda n: f"Version {n} validée.")
    assert response.status_code == 302 and response["Location"] == "/ppe/"
    assert [(str(m), m.level_tag) for m in get_messages(req)] == [("Version 3 validée.", "success")]


def test_a_refused_button_goes_back_with_the_reason_as_an_error():
    def refuse():
        raise ValidationError({"status": ["Version validée.", "Rien à changer."]})

    req = request()
    response = act(req, refuse, success="/ppe/", message="Jamais dit.")
    assert response.status_code == 302 and response["Location"] == "/ppe/"
    assert [(str(m), m.level_tag) for m in get_messages(req)] == [
        ("Version validée. Rien à changer.", "error")
    ]


def test_a_button_with_nothing_to_say_adds_no_message():
    req = request()
    act(req, lambda: False, success="/agenda/", message=lambda done: "Révoqué." if done else "")
    assert list(get_messages(req)) == []


def test_with_htmx_a_button_answers_its_partial_both_ways_without_a_message():
    def refuse():
        raise ValidationError("Pas dans le futur.")

    seen = []

    def context(result, error):
        seen.append((result, error))
        return {"form": NameForm()}

    for do in (lambda: 3, refuse):
        req = request(htmx=True)
        response = act(
            req,
            do,
            success="/personne/",
            message="Fait.",
            partial="includes/form_errors.html",
            context=context,
        )
        assert response.status_code == 200
        assert list(get_messages(req)) == []
    assert seen == [(3, None), (None, "Pas dans le futur.")]


def test_without_htmx_a_button_with_a_partial_still_goes_back():
    req = request()
    response = act(req, lambda: 3, success="/personne/", message="Fait.", partial="x.html")
    assert response.status_code == 302 and response["Location"] == "/personne/"
    assert [str(m) for m in get_messages(req)] == ["Fait."]


def test_with_htmx_the_message_goes_to_the_live_region_not_to_the_next_page():
    req = request(data={"name": "Léa"}, htmx=True)
    response = answer(
        req,
        lambda form: form.cleaned_data["name"],
        success="/fin/",
        partial="includes/form_errors.html",
        message=lambda name: f"{name} est enregistrée.",
    )
    content = response.content.decode()
    assert '<div id="live-messages" hx-swap-oob="innerHTML">' in content
    assert '<li class="success">Léa est enregistrée.</li>' in content
    assert list(get_messages(req)) == []


def test_an_irreversible_action_is_saved_only_once_confirmed():
    saved = []
    confirm = {"title": "Valider ?", "consequences": ["Plus rien ne pourra changer."]}
    response = answer(request(data={"name": "Léa"}), saved.append, success="/fin/", confirm=confirm)
    content = response.content.decode()
    assert response.status_code == 200 and saved == []
    assert "Plus rien ne pourra changer." in content
    assert '<input type="hidden" name="name" value="Léa">' in content
    assert 'name="confirmed" value="1"' in content
    back = answer(request(data={"name": "Léa", "back_to_form": "1"}), saved.append, confirm=confirm)
    assert saved == [] and 'value="Léa"' in back.content.decode()
    done = answer(
        request(data={"name": "Léa", "confirmed": "1"}),
        saved.append,
        success="/fin/",
        confirm=confirm,
    )
    assert done.status_code == 302 and len(saved) == 1


def test_an_invalid_irreversible_action_shows_its_errors_not_the_confirmation():
    response = answer(request(data={"name": ""}), list, confirm={"title": "Valider ?"})
    content = response.content.decode()
    assert "Ce qui va se passer" not in content and "errorlist" in content


def test_an_irreversible_button_asks_first_then_acts_once_confirmed():
    done = []
    confirm = {"title": "Anonymiser ?", "consequences": ["Irréversible."]}
    asked = act(request(), lambda: done.append(1), success="/run/", confirm=confirm)
    assert asked.status_code == 200 and done == []
    assert 'href="/run/"' in asked.content.decode()
    acted = act(
        request(data={"confirmed": "1"}), lambda: done.append(1), success="/run/", confirm=confirm
    )
    assert acted.status_code == 302 and done == [1]
