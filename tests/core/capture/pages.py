"""Web pages for the capture tests: an article with the hostile bits a real page carries."""

from __future__ import annotations


def article_html(title: str = "Night trains return to the Alps", marker: str = "sleeper") -> str:
    paragraphs = "".join(
        f"<p>Paragraph {i} about the {marker} service: the operators say the new carriages have "
        f"quiet cabins, and the timetable links Vienna, Zurich and Milan overnight ({i}).</p>"
        for i in range(1, 9)
    )
    return (
        "<!doctype html><html><head>"
        f"<title>{title} | Rail Weekly</title>"
        '<meta property="og:site_name" content="Rail Weekly">'
        "<script>window.stolen = document.cookie</script>"
        "</head><body>"
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<article><h1>{title}</h1>"
        f'<p onclick="alert(1)">The <a href="/timetables">timetables</a> are out, and the {marker} cars are back.</p>'
        f"{paragraphs}"
        '<img src="x" onerror="alert(2)" alt="A carriage">'
        "<script>alert(3)</script>"
        "</article><footer>Rail Weekly, all rights reserved</footer></body></html>"
    )
