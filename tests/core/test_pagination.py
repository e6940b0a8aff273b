"""One pagination for every list (core/templates/core/_pagination.html): the links keep the
list's other parameters; no app writes its own copy."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string

from tests.config.test_layers import ROOT

PAGINATION = "core/templates/core/_pagination.html"


def test_no_template_writes_its_own_links_between_pages():
    copies = [
        str(path.relative_to(ROOT))
        for path in sorted(ROOT.glob("*/templates/**/*.html"))
        if "page_number" in path.read_text() and path.relative_to(ROOT).as_posix() != PAGINATION
    ]
    assert copies == [], 'include "core/_pagination.html"'


def test_the_links_keep_the_other_parameters_and_may_say_other_words():
    page = Paginator(range(30), 10).page(2)
    html = render_to_string("core/_pagination.html", {"page": page, "query": "commune=92012"})
    assert 'href="?commune=92012&amp;page=1" rel="prev">Page précédente<' in html
    assert 'href="?commune=92012&amp;page=3" rel="next">Page suivante<' in html
    assert '<span aria-current="page">Page 2 sur 3</span>' in html
    html = render_to_string(
        "core/_pagination.html",
        {"page": page, "previous_label": "Plus récentes", "next_label": "Plus anciennes"},
    )
    assert 'href="?page=1" rel="prev">Plus récentes<' in html
    assert 'href="?page=3" rel="next">Plus anciennes<' in html


def test_a_single_page_has_no_links():
    page = Paginator(range(5), 10).page(1)
    assert render_to_string("core/_pagination.html", {"page": page}).strip() == ""
