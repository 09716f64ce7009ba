"""Hostile inputs, as files a user might import: web pages, Markdown and EPUB books.

Every payload tries to run script, to load something (a local file, a remote image, a
stylesheet) or to plant a link that would do either when clicked. The markers they carry
("alert(", "msgbox", "evil.example", the canary's name...) must never reach an article's
text, and none of their addresses may reach its links or be loaded when it is shown.

The HTML payloads of the importer tests (``tests/core/importers/test_html.py``) are reused
as they are and extended here with what they leave out: srcset, <picture>, <link rel=...>,
CSS url() and @import, meta refresh, <base href>, remote and file: images, SVG and MathML
links, entity-encoded and mixed-case schemes.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from io import BytesIO

from tests.core.importers.test_html import HOSTILE as IMPORTER_PAYLOADS

# Nothing listens on port 1: a request there would fail, but must not even be tried.
DEAD_HOST = "http://127.0.0.1:1"

# Words of a payload's own making that must never be shown; the text of a payload that is
# fine to show (a link's words, an image's alt text) avoids them on purpose.
NEEDLES = ("alert(", "msgbox", "javascript", "vbscript", "<script", "onerror", "onload", "onclick", "evil.example",
           "passwd", "base64", "document.cookie", "@import", "url(", "127.0.0.1", "canary", "fetch(", "expression(")


def extra_payloads(host: str = DEAD_HOST, canary: str = "file:///etc/passwd") -> list[str]:
    """Payloads beyond the importer tests'. ``host`` is where a load would go, ``canary`` a local file URL."""
    return [
        # images that would load something
        f'<img src="{host}/remote.png" alt="remote picture">',
        f'<img src="{canary}" alt="local picture">',
        f'<img srcset="{host}/a.png 1x, {canary} 2x" alt="srcset picture">',
        f'<picture><source srcset="{canary}"><source srcset="{host}/b.webp" type="image/webp">'
        f'<img src="{host}/c.png" alt="picture element"></picture>',
        f'<img src="{host}/track.gif" width="1" height="1" alt="">',
        f'<img lowsrc="{host}/low.png" dynsrc="{canary}" longdesc="javascript:alert(1)" alt="old attributes">',
        f'<input type="image" src="{host}/button.png" alt="evil.example input">',
        f'<table background="{host}/bg.png"><tr><td background="{canary}">table cell words</td></tr></table>',
        f'<video poster="{host}/poster.png" src="{canary}"><source src="{host}/v.mp4">evil.example video</video>',
        f'<audio src="{host}/a.mp3" autoplay>evil.example audio</audio>',
        # styles that would load something
        f'<style>@import url("{host}/x.css"); @import "{canary}"; body {{ background: url({host}/bg.png) }}</style>',
        f'<p style="background-image: url(\'{host}/styled.png\'); behavior: url({canary})">styled paragraph</p>',
        '<div style="width: expression(alert(1))">old expression style</div>',
        f'<link rel="stylesheet" href="{host}/s.css"><link rel="icon" href="{canary}">',
        f'<link rel="preload" as="image" href="{host}/pre.png"><link rel="prefetch" href="{host}/next">',
        f'<link rel="import" href="{host}/imp.html"><link rel="dns-prefetch" href="//evil.example">',
        # the page trying to go elsewhere or change how links resolve
        f'<meta http-equiv="refresh" content="0; url={host}/refresh">',
        '<meta http-equiv="refresh" content="0;url=data:text/html,%3Cscript%3Ealert(1)%3C/script%3E">',
        '<meta http-equiv="Set-Cookie" content="evil.example=1">',
        f'<base href="{host}/"><a href="relative/page">relative link</a><img src="rel.png" alt="relative picture">',
        f'<base href="{canary}"><a href="x">based file link</a>',
        # frames, objects, forms
        f'<iframe src="{host}/frame" srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;">iframe words</iframe>',
        f'<iframe src="{canary}"></iframe><frameset><frame src="{host}/f"></frameset>',
        f'<object data="{canary}" type="text/plain">object fallback</object>',
        f'<object data="{host}/o.swf"><param name="movie" value="{host}/o.swf"><embed src="{canary}"></object>',
        '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
        f'<form action="javascript:alert(1)"><button formaction="{host}/steal">form button</button></form>',
        f'<form action="{host}/post" method="post"><input type="submit" value="evil.example submit"></form>',
        # SVG and MathML
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><text>svg words</text></svg>',
        f'<svg><a xlink:href="javascript:alert(1)"><text>svg link</text></a><image href="{canary}"/></svg>',
        f'<svg><image xlink:href="{host}/svg.png"/><use href="{canary}#x"/></svg>',
        '<svg><animate attributeName="href" to="javascript:alert(1)"/><set attributeName="onload" to="alert(1)"/></svg>',
        '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">math words</maction></math>',
        '<math href="javascript:alert(1)"><mtext>math link</mtext></math>',
        # links with hostile or disguised schemes
        '<a href="JAVASCRIPT:alert(1)">upper link</a> <a href="JaVaScRiPt:alert(1)">mixed link</a>',
        '<a href="java&#x0A;script:alert(1)">newline link</a> <a href="java&#13;script:alert(1)">cr link</a>',
        '<a href="&#x6a;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3a;alert(1)">hex link</a>',
        '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058'
        'alert(1)">padded entity link</a>',
        '<a href="&#x01;javascript:alert(1)">control link</a> <a href="\tjavascript:alert(1)">tab first link</a>',
        '<a href="javascript&colon;alert(1)">named colon link</a> <a href="jav&Tab;ascript:alert(1)">named tab</a>',
        '<a href="VBScript:msgbox(1)">vb link</a> <a href="livescript:alert(1)">livescript link</a>',
        '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">data link</a>',
        f'<a href="{canary}">file link</a> <a href="file://evil.example/share">share link</a>',
        '<a href="//evil.example/x">protocol relative link</a> <a href="\\\\evil.example\\share">unc link</a>',
        '<a href="ms-settings:">settings link</a> <a href="smb://evil.example/s">smb link</a>',
        '<a href="intent://evil.example#Intent;end">intent link</a> <a href="view-source:http://evil.example">vs link</a>',
        '<a href="http://ok.example/page" onmouseover="alert(1)" style="background:url(javascript:alert(1))">ok link</a>',
        '<a href="mailto:someone@ok.example?subject=hi">mail link</a>',
        # event handlers anywhere
        '<p onclick="alert(1)" onmouseover="alert(1)">handler paragraph</p>',
        '<body onload="alert(1)" onpageshow="alert(1)"><div onfocus="alert(1)" tabindex="1">focus words</div>',
        '<marquee onstart="alert(1)">marquee words</marquee>',
        '<isindex action="javascript:alert(1)" type="image">',
        '<xss style="xss:expression(alert(1))">unknown tag words</xss>',
    ]


def page(payload: str, n: int) -> str:
    """A web page carrying ``payload`` in its head and body, around an article worth reading."""
    return (
        f"<!DOCTYPE html><html><head><title>Hostile page {n}</title>{payload}</head><body>"
        f"<article><h1>Hostile page {n}</h1><p>The harbour bridge closes for repairs in March, the council said.</p>"
        f"{payload}<p>Ferries will run every ten minutes while the work goes on, and buses will be added.</p>"
        f"<p>Shop owners on the quay worry about trade, but agree the bridge cannot be patched again.</p>"
        f"{payload}</article></body></html>"
    )


def markdown_pages(host: str = DEAD_HOST, canary: str = "file:///etc/passwd") -> list[str]:
    """Markdown with hostile links and images, and raw HTML blocks carrying every HTML payload."""
    intro = "# Hostile notes\n\nThe harbour bridge closes for repairs in March, the council said.\n\n"
    links = [
        "[script link](javascript:alert(1))",
        "[upper link](JAVASCRIPT:alert(1))",
        "[entity link](&#106;avascript:alert(1))",
        "[percent link](javascript%3Aalert(1))",
        "[vb link](vbscript:msgbox(1))",
        "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        f"[file link]({canary})",
        "[angle link](<javascript:alert(1)>)",
        "[ref link][bad]\n\n[bad]: javascript:alert(1)",
        f"![local picture]({canary})",
        f"![remote picture]({host}/md.png)",
        "![data picture](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "![script picture](javascript:alert(1))",
        "[![nested picture](javascript:alert(1))](vbscript:msgbox(1))",
        "[ok link](https://ok.example/md)",
    ]
    inline_html = [
        'Words <img src="x" onerror="alert(1)"> and <a href="javascript:alert(1)">inline html link</a>.',
        "Words <script>alert(1)</script> after an inline script.",
        'Words <span onclick="alert(1)">span</span> <iframe src="javascript:alert(1)"></iframe>.',
    ]
    pages = [intro + "\n\n".join(links)]
    # Autolinks show their address as their words: the words may stay, the link may not.
    pages.append(intro + f"<javascript:alert(1)>\n\n<{canary}>\n\n<vbscript:msgbox(1)>\n\n<https://ok.example/auto>\n")
    pages.append(intro + "\n\n".join(inline_html))
    # A raw HTML block starts at a tag on its own line and ends at a blank line.
    raw_blocks = "\n\n".join(f"<div>\n{p}\n</div>" for p in IMPORTER_PAYLOADS + extra_payloads(host, canary))
    pages.append(intro + raw_blocks + "\n\nThe end of the notes.\n")
    return pages


_CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>'
    "</container>"
)


def epub_book(host: str = DEAD_HOST, canary: str = "file:///etc/passwd") -> bytes:
    """A book with a well-formed XHTML chapter of hostile markup and a malformed one of every payload."""
    xhtml = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:xlink="http://www.w3.org/1999/xlink">'
        f'<head><title>Chapter one</title><script>alert(1)</script><link rel="stylesheet" href="{host}/e.css"/>'
        f'<meta http-equiv="refresh" content="0; url={host}/r"/><base href="{host}/"/></head>'
        '<body onload="alert(1)"><h1>Chapter one</h1>'
        "<p>The harbour bridge closes for repairs in March, the council said.</p>"
        f'<p><a href="javascript:alert(1)">script link</a> <a href="{canary}">file link</a> '
        '<a href="vbscript:msgbox(1)">vb link</a> <a href="data:text/html,x">data link</a> '
        '<a href="https://ok.example/epub">ok link</a></p>'
        f'<p><img src="{canary}" alt="local picture"/><img src="{host}/e.png" alt="remote picture"/>'
        f'<img src="../../../../etc/passwd" alt="escaping picture"/><img srcset="{host}/s.png 2x" alt="srcset"/></p>'
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        f'<image xlink:href="{canary}"/><script>alert(1)</script></svg>'
        '<svg xmlns="http://www.w3.org/2000/svg"><a xlink:href="javascript:alert(1)"><text>svg link</text></a></svg>'
        '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi xlink:href="javascript:alert(1)">x</mi></math>'
        f'<iframe src="{host}/f"/><object data="{canary}"/><embed src="{host}/e.swf"/>'
        f'<form action="{host}/steal"><input type="submit" value="evil.example"/></form>'
        f'<p style="background:url({host}/bg.png)">Ferries will run every ten minutes.</p>'
        "</body></html>"
    )
    malformed = (
        "<html><head><title>Chapter two</title></head><body><h1>Chapter two</h1>"
        "<p>Shop owners on the quay worry about trade, but agree the bridge cannot be patched.</p>"
        + "".join(IMPORTER_PAYLOADS + extra_payloads(host, canary))
        + "<p>The end of chapter two.</p></body></html>"
    )
    opf = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:hostile</dc:identifier>'
        "<dc:title>A hostile book</dc:title><dc:language>en</dc:language></metadata><manifest>"
        '<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>'
        '<item id="c2" href="c2.xhtml" media-type="application/xhtml+xml"/>'
        f'<item id="css" href="{host}/book.css" media-type="text/css"/>'
        f'<item id="remote" href="{canary}" media-type="application/xhtml+xml"/>'
        '</manifest><spine><itemref idref="c1"/><itemref idref="remote"/><itemref idref="c2"/></spine></package>'
    )
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        zf.writestr("META-INF/container.xml", _CONTAINER, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("OEBPS/content.opf", opf, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("OEBPS/c1.xhtml", xhtml, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("OEBPS/c2.xhtml", malformed, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


@dataclass(frozen=True)
class HostileFile:
    name: str       # file name to write it under (its suffix picks the importer)
    data: bytes
    what: str       # one line saying what it tries
    shows_addresses: bool = False  # its words are hostile addresses (Markdown autolinks): only links are checked


def hostile_files(host: str = DEAD_HOST, canary: str = "file:///etc/passwd") -> list[HostileFile]:
    """Every hostile input as a file to import: one web page per payload, Markdown, an EPUB."""
    payloads = IMPORTER_PAYLOADS + extra_payloads(host, canary) + extra_payloads(DEAD_HOST, "file:///etc/passwd")[:6]
    files = [
        HostileFile(f"hostile-{i:03d}.html", page(p, i).encode("utf-8"), p[:80]) for i, p in enumerate(payloads)
    ]
    everything = page("".join(payloads), len(payloads)).encode("utf-8")
    files.append(HostileFile("hostile-all.htm", everything, "every payload"))
    files.extend(
        HostileFile(f"hostile-{i}.md", text.encode("utf-8"), f"Markdown page {i}",
                    shows_addresses="<javascript:" in text)
        for i, text in enumerate(markdown_pages(host, canary))
    )
    files.append(HostileFile("hostile.epub", epub_book(host, canary), "EPUB with hostile chapters"))
    return files


# Addresses a link may carry once shown; clicking one must never open it unasked, and the
# first kind never at all.
NEVER_OPEN = (
    "javascript:alert(1)", "JAVASCRIPT:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
    "javascript://%0Aalert(1)", "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd", "file://evil.example/share", "ms-settings:", "smb://evil.example/s",
    "view-source:http://evil.example", "intent://evil.example#Intent;end", "livescript:alert(1)",
    "jar:http://evil.example/x.jar!/", "about:blank", "chrome://settings", "x-unknown:thing",
)
ASK_FIRST = ("https://ok.example/page", "http://127.0.0.1:1/x", "mailto:someone@ok.example")
