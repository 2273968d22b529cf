from handle_docs.wording import markup
from handle_docs.wording.markup import BulletList, Paragraph, Run


def test_paragraphs_bullets_and_bold():
    nodes = markup.parse("First line\ncontinues.\n\n- **Lock it**: always\n- Check it\n\nLast.")
    assert nodes == (
        Paragraph((Run("First line continues."),)),
        BulletList(((Run("Lock it", True), Run(": always")), (Run("Check it"),))),
        Paragraph((Run("Last."),)),
    )


def test_anything_else_is_literal_text():
    text = "<b>hi</b> {{ 7*7 }} url(http://x) ** odd"
    assert markup.plain_text(markup.parse(text)) == text


def test_placeholders_are_filled_after_parsing_so_values_cannot_add_markup():
    nodes = markup.fill_nodes(markup.parse("Hello {area}"), {"area": "**Eastmoor**"})
    assert nodes == (Paragraph((Run("Hello **Eastmoor**"),)),)
