"""What the index holds and how snippets are made safe."""

from __future__ import annotations

from practica.search.text import MARK_END, MARK_START, indexed_text, quoted_text, snippet_html


def test_html_tags_of_imported_posts_are_removed_and_entities_decoded():
    raw = '<p>Use <code>feed()</code> &amp; <a href="http://x.org">wait</a></p>'
    assert indexed_text(raw) == "Use feed() & wait"


def test_text_that_only_looks_like_a_tag_keeps_its_words():
    assert indexed_text("List<String> and x<y") == "List<String> and x<y"


def test_quoted_lines_are_set_apart_from_a_posts_own_words():
    raw = "On Monday Ann wrote:\n> feed it twice\n>> a day\nI feed it once."
    assert indexed_text(raw) == "On Monday Ann wrote: I feed it once."
    assert quoted_text(raw) == "feed it twice > a day"


def test_a_post_cannot_forge_match_marks():
    assert MARK_START not in indexed_text(f"a{MARK_START}b{MARK_END}c")


def test_snippets_escape_everything_but_the_marks():
    marked = f'<script>alert(1)</script> {MARK_START}rye{MARK_END} & "flour"'
    assert snippet_html(marked) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>rye</mark> &amp; &quot;flour&quot;"
    )


def test_unbalanced_marks_never_leave_an_element_open():
    assert snippet_html(f"{MARK_START}{MARK_START}a{MARK_END}{MARK_END}b{MARK_START}c") == (
        "<mark>a</mark>b<mark>c</mark>"
    )
