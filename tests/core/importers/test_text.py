

def test_title_is_not_joined_to_a_hard_wrapped_first_paragraph() -> None:
    from reader.core.importers.text import parse_text

    text = (
        "A slow essay\n"
        "The first paragraph is wrapped by hand at a short width, as plain\n"
        "text files often are, and goes on for a while.\n"
        "\n"
        "The second paragraph is wrapped the same way and also goes on\n"
        "for a line or two more.\n"
    )
    article = parse_text(text, "essay.txt")
    assert article.title == "A slow essay"
    assert [b.text for b in article.document.blocks] == [
        "The first paragraph is wrapped by hand at a short width, as plain text files often are, and goes on for a while.",
        "The second paragraph is wrapped the same way and also goes on for a line or two more.",
    ]


def test_a_file_without_a_title_line_is_named_after_the_file() -> None:
    from reader.core.importers.text import parse_text

    long_line = "word " * 60
    article = parse_text(long_line + "\nSecond line.\n", "my_reading-notes.txt")
    assert article.title == "my reading notes"
    assert article.document.blocks[0].text == long_line.strip()
