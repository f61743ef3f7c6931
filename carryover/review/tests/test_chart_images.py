"""The summary's charts are images at access-checked URLs, drawn once for the data they show: no base64 SVG in the
page, an ETag the browser revalidates with (304, nothing drawn), `Cache-Control: private`, a 404 for anyone outside
the client's care team and for any key not published for that client, and the PDF built from the same cached
pictures. Each drawn SVG carries no stylesheet or script (pygal's rules are applied as attributes once)."""

from __future__ import annotations

import re
from unittest import mock

import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from carryover.review import charts

NOW = "2026-03-09 09:00 +00:00"


def chart_urls(html: str) -> list[str]:
    return re.findall(r'<img src="([^"]+)" alt="Chart:', html)


def summary_html(client, personas) -> str:
    client.force_login(personas.alice)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("client_summary", args=[personas.bob.pk]), {"start": "2026-03-02"})
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_links_its_charts_and_each_is_drawn_once(client, personas, journal_week):
    with mock.patch.object(charts, "draw", wraps=charts.draw) as draw:
        html = summary_html(client, personas)
        assert "data:image/svg+xml" not in html and draw.call_count == 0  # the page itself draws nothing
        urls = chart_urls(html)
        assert len(urls) >= 2  # what got in the way, mood before and after
        assert all(url.startswith(f"/clients/{personas.bob.pk}/charts/") for url in urls)
        first = [client.get(url) for url in urls]
        assert draw.call_count == len(urls)
        for response in first:
            assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
            assert response["Cache-Control"] == "private, no-cache" and response["ETag"]
            svg = response.content.decode()
            assert "<style" not in svg and "<script" not in svg and "<desc" not in svg and "fill=" in svg
        # Again: the browser's copy is still good (304), and a fresh fetch or the PDF reads the cache.
        again = client.get(urls[0], HTTP_IF_NONE_MATCH=first[0]["ETag"])
        assert again.status_code == 304 and again["ETag"] == first[0]["ETag"] and not again.content
        assert client.get(urls[1]).content == first[1].content
        assert chart_urls(summary_html(client, personas)) == urls  # the same data, the same keys
        with time_machine.travel(NOW, tick=False):
            pdf = client.get(reverse("client_summary_pdf", args=[personas.bob.pk]), {"start": "2026-03-02"})
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert draw.call_count == len(urls)


def test_other_data_is_another_picture():
    one = charts.bar_chart("What got in the way", "…", [("I forgot", 2)])
    same = charts.bar_chart("What got in the way", "other words", [("I forgot", 2)])
    other = charts.bar_chart("What got in the way", "…", [("I forgot", 3)])
    assert one.key == same.key != other.key
    assert re.fullmatch(r"[0-9a-f]{40}", one.key)  # an HMAC: nothing of the data shows in the URL


def test_a_chart_is_only_for_its_clients_care_team_and_the_client(client, personas, journal_week):
    url = chart_urls(summary_html(client, personas))[0]
    for stranger in (personas.frank, personas.charlie, personas.erin, personas.dana, personas.sue):
        client.force_login(stranger)
        assert client.get(url).status_code == 404, stranger
    client.force_login(personas.bob)
    assert client.get(url).status_code == 200
    # A key published for Bob is no chart of Erin's, for her therapist either; an unknown key is a 404 too.
    client.force_login(personas.alice)
    key = url.rsplit("/", 1)[1].removesuffix(".svg")
    assert client.get(reverse("chart_image", args=[personas.erin.pk, key])).status_code == 404
    assert client.get(reverse("chart_image", args=[personas.bob.pk, "0" * 40])).status_code == 404


def test_one_pdf_per_client_at_a_time_and_an_unchanged_summary_is_not_built_again(
    client, personas, journal_week, monkeypatch
):
    import weasyprint

    from carryover.review.pdf import one_at_a_time

    built = []
    real = weasyprint.HTML.write_pdf

    def counting(self, *args, **kwargs):
        built.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counting)
    client.force_login(personas.alice)
    url = reverse("client_summary_pdf", args=[personas.bob.pk])
    with time_machine.travel(NOW, tick=False):
        with one_at_a_time(f"summary-pdf:{personas.bob.membership.pk}"):  # another request is building it
            waiting = client.get(url, {"start": "2026-03-02"})
        assert waiting.status_code == 202 and waiting["Retry-After"] == "2" and not built
        page = waiting.content.decode()
        assert "Building the PDF" in page and '<meta http-equiv="refresh" content="2">' in page
        first = client.get(url, {"start": "2026-03-02"})
        second = client.get(url, {"start": "2026-03-02"})
        assert first.status_code == second.status_code == 200 and second.content == first.content
        assert len(built) == 1  # the same summary: the kept PDF
        client.get(url, {"start": "2026-03-03"})  # another window: another PDF
        assert len(built) == 2
        with one_at_a_time(f"summary-pdf:{personas.erin.membership.pk}"):  # another client's build is no reason
            assert client.get(url, {"start": "2026-03-04"}).status_code == 200


def test_the_numbers_table_has_every_value_escaped_localized_and_a_dash_for_none():
    chart = charts.line_chart("Mood", "…", ["Mon <b>", "Tue"], {"Before": [4.5, None], "After": [2, 7]})
    with translation.override("en"):
        html = render_to_string("review/_chart.html", {"chart": chart})
    assert '<th scope="row">Mon &lt;b&gt;</th><td>4.5</td><td>2</td>' in html
    assert '<th scope="row">Tue</th><td>–</td><td>7</td>' in html
    with translation.override("es"):
        assert "<td>4,5</td>" in render_to_string("review/_chart.html", {"chart": chart})
