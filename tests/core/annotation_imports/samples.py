"""Files as the tools write them: several books, several languages, the odd broken line."""

from __future__ import annotations

import json

# Kindle writes a BOM, CRLF line ends, one clipping per block, in the reader's language.
MY_CLIPPINGS = "\r\n".join(
    [
        "\ufeffThinking, Fast and Slow (Kahneman, Daniel)",
        "- Your Highlight on page 62 | Location 945-947 | Added on Sunday, November 17, 2024 3:26:00 PM",
        "",
        "A reliable way to make people believe in falsehoods is frequent repetition, because familiarity is not easily distinguished from truth.",
        "==========",
        "Thinking, Fast and Slow (Kahneman, Daniel)",
        "- Your Note on page 62 | Location 947 | Added on Sunday, November 17, 2024 3:27:12 PM",
        "",
        "Mere exposure effect - compare with propaganda.",
        "==========",
        "Thinking, Fast and Slow (Kahneman, Daniel)",
        "- Your Bookmark on page 80 | Location 1220 | Added on Monday, November 18, 2024 8:05:44 AM",
        "",
        "",
        "==========",
        "Thinking, Fast and Slow (Kahneman, Daniel)",
        "- Your Highlight on page 85 | Location 1290-1291 | Added on Monday, November 18, 2024 12:40:05 AM",
        "",
        "Nothing in life is as important as you think it is, while you are thinking about it.",
        "==========",
        "Der Zauberberg (German Edition) (Mann, Thomas)",
        "- Ihre Markierung auf Seite 312 | bei Position 4785-4787 | Hinzugefügt am Sonntag, 17. November 2024 15:26:00",
        "",
        "Kann man die Zeit erzählen, diese selbst, als solche, an und für sich?",
        "==========",
        "Der Zauberberg (German Edition) (Mann, Thomas)",
        "- Ihre Notiz auf Seite 312 | bei Position 4787 | Hinzugefügt am Sonntag, 17. März 2024 15:28:41",
        "",
        "Zeit als Erzählgegenstand!",
        "==========",
        "L'Étranger (Camus, Albert)",
        "- Votre surlignement sur la page 12 | emplacement 150-152 | Ajouté le dimanche 17 novembre 2024 15:26:00",
        "",
        "Aujourd'hui, maman est morte. Ou peut-être hier, je ne sais pas.",
        "==========",
        "Cien años de soledad (García Márquez, Gabriel)",
        "- Tu subrayado en la página 9 | posición 120-121 | Añadido el domingo, 17 de noviembre de 2024 15:26:00",
        "",
        "Muchos años después, frente al pelotón de fusilamiento, el coronel Aureliano Buendía había de recordar aquella tarde remota.",
        "==========",
        "Meditations",
        "- Your Highlight on Location 301-302 | Added on sometime last winter",
        "",
        "You have power over your mind - not outside events.",
        "==========",
        "The Pragmatic Programmer (20th Anniversary Edition) (Thomas, David; Hunt, Andrew (Foreword))",
        "- Highlight Loc. 1502-07  | Added on Tuesday, March 5, 2019, 10:15 PM",
        "",
        "Don't live with broken windows.",
        "==========",
        "Meditations",
        "- Your Note on Location 900 | Added on Sunday, November 17, 2024 3:26:00 PM",
        "",
        "Reread book 4 slowly.",
        "==========",
        "",
    ]
)

READWISE_CSV = (
    "\ufeffHighlight,Book Title,Book Author,Amazon Book ID,Note,Color,Tags,Location Type,Location,Highlighted at,Document tags\r\n"
    '"A reliable way to make people believe in falsehoods is frequent repetition, because familiarity is not easily '
    'distinguished from truth.","Thinking, Fast and Slow",Daniel Kahneman,B00555X8OA,"Mere exposure.\r\nSecond line '
    'of the note.",blue,"psychology, bias",location,945,2024-11-17 15:26:00+00:00,"books, favourites"\r\n'
    '"Nothing in life is as important as you think it is, while you are thinking about it.","Thinking, Fast and Slow",'
    "Daniel Kahneman,B00555X8OA,,yellow,,location,1290,2024-11-18 00:40:05+00:00,\"books, favourites\"\r\n"
    '"The ""Zen"" of reading is not to hurry.",Slow Reading,Ada Marginalia,,,mauve,,page,3,,\r\n'
    ',Slow Reading,Ada Marginalia,,A note on the whole book.,,,,,,\r\n'
)


def hypothesis_annotation(
    ident: str,
    uri: str,
    exact: str,
    prefix: str,
    suffix: str,
    *,
    text: str = "",
    tags: tuple[str, ...] = (),
    title: str = "Margins – Slow Reading Quarterly",
    position: tuple[int, int] = (1520, 1544),
) -> dict:
    return {
        "id": ident,
        "created": "2024-11-17T15:26:00.123456+00:00",
        "updated": "2024-11-18T09:00:00.654321+00:00",
        "user": "acct:ada@hypothes.is",
        "uri": uri,
        "text": text,
        "tags": list(tags),
        "group": "__world__",
        "permissions": {"read": ["group:__world__"], "admin": ["acct:ada@hypothes.is"]},
        "target": [
            {
                "source": uri,
                "selector": [
                    {"type": "RangeSelector", "startContainer": "/main[1]/p[2]", "startOffset": 80,
                     "endContainer": "/main[1]/p[2]", "endOffset": 120},
                    {"type": "TextPositionSelector", "start": position[0], "end": position[1]},
                    {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix},
                ],
            }
        ],
        "document": {"title": [title]},
        "links": {"html": f"https://hypothes.is/a/{ident}", "incontext": f"https://hyp.is/{ident}/example.org"},
        "flagged": False,
        "hidden": False,
    }


def hypothesis_export(essay_url: str = "https://example.org/essays/margins/?utm_source=rss#top") -> str:
    return json.dumps(
        [
            # "a pencil" stands twice in the essay; the context says which one.
            hypothesis_annotation(
                "a1", essay_url, "a pencil", "Whoever reads with ", " reads twice.",
                text="The **second** reading.", tags=("pencil", "habit"),
            ),
            hypothesis_annotation(
                "a2", essay_url, "marked books for as long", "Readers have ", " as there have been",
            ),
            hypothesis_annotation(
                "a3", essay_url, "a sentence the author later cut", "", "", text="Gone from the page now.",
            ),
            {  # a page note: no selector
                **hypothesis_annotation("a4", essay_url, "", "", ""),
                "target": [{"source": essay_url}],
                "text": "Worth rereading every year.",
            },
            hypothesis_annotation(
                "b1", "https://blog.example.net/posts/attention", "Attention is the rarest form of generosity.",
                "", "", title="On attention", text="Weil, via a blog.",
            ),
        ],
        indent=2,
    )
