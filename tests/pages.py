"""Reading pages in tests."""

import html

from django.urls import reverse


def text(response) -> str:
    """The page's HTML with its character references unescaped («d'» rather than «d&#x27;»)."""
    return html.unescape(response.content.decode())


def book_on_page(client, space_pk: int, data: dict):
    """Book once through the space's page as a person does: post the form, which shows the
    recap of that booking, then confirm it (the recap's signed `tarif`). The confirming
    response; the first one when it shows no recap to confirm (the form was refused)."""
    url = reverse("booking:book", args=[space_pk])
    recap = client.post(url, data)
    token = recap.context and recap.context.get("price_token")
    if recap.status_code != 200 or not token:
        return recap
    return client.post(url, {**data, "tarif": token})
