"""Control characters in a page's path, query string or posted form: a 400 page naming the field, never a 500
(PostgreSQL refuses NUL in text). The middleware (web/control_characters.py) runs before every view."""

import pytest
from django.test import Client

from comptoir.testing.builders import make_user

pytestmark = pytest.mark.django_db


def test_search_words_with_nul_get_a_400_page_naming_the_field(client):
    response = client.get("/search?q=tea%00pot")

    assert response.status_code == 400
    assert response.templates[0].name == "web/bad_request.html"
    assert "“q”" in response.content.decode()


def test_a_nul_in_the_path_is_refused(client):
    user = make_user()
    client.force_login(user)

    response = client.get("/account/orders/CO-%00")

    assert response.status_code == 400
    assert "“path”" in response.content.decode()


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f"])
def test_a_posted_form_value_with_a_control_character_is_refused(character):
    client = Client(enforce_csrf_checks=False)

    response = client.post("/accounts/login/", {"email": f"ada{character}@example.com", "password": "secret"})

    assert response.status_code == 400
    assert "“email”" in response.content.decode()


def test_line_breaks_and_tabs_in_posted_text_pass_on_to_the_view(client):
    response = client.post("/accounts/login/", {"email": "ada@example.com", "password": "line\r\nbreak\ttab"})

    assert response.status_code == 422  # the login form's own answer to wrong credentials
    assert "web/bad_request.html" not in [template.name for template in response.templates]


def test_the_page_is_translated(client):
    response = client.get("/search?q=%01", headers={"Accept-Language": "fr"})

    assert response.status_code == 400
    assert "Caractères non valides" in response.content.decode()


def test_the_api_answers_with_its_own_problem_document(client):
    response = client.get("/api/v1/products?q=%00")

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
