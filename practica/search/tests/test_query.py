"""Reading the search box: every input becomes a safe query or an empty one."""

from __future__ import annotations

import re

import pytest

from practica.search.backends.postgres import to_tsquery_sql
from practica.search.backends.sqlite import to_fts5
from practica.search.query import MAX_ITEMS, parse_query


def test_words_are_all_required_and_lower_cased():
    query = parse_query("Sourdough STARTER")
    assert query.text() == "sourdough starter"
    assert to_fts5(query) == '"sourdough" AND "starter"'


def test_a_quoted_phrase_stays_together_even_without_its_closing_quote():
    assert parse_query('"rye flour" water').text() == '"rye flour" water'
    assert parse_query('water "rye flour').text() == 'water "rye flour"'


def test_minus_and_not_leave_words_out():
    query = parse_query("bread -wheat NOT spelt")
    assert query.text() == "bread -wheat -spelt"
    assert to_fts5(query) == '(("bread") NOT "wheat") NOT "spelt"'


def test_or_groups_alternatives_next_to_required_words():
    query = parse_query("bread OR cake butter")
    assert to_fts5(query) == '("bread" OR "cake") AND "butter"'
    sql, params = to_tsquery_sql(query)
    assert sql.count("||") == 1 and sql.count("&&") == 1
    assert params == ['"bread"', '"cake"', '"butter"']


def test_inner_punctuation_is_a_phrase_for_fts5_and_kept_whole_for_postgres():
    query = parse_query("node.js")
    assert to_fts5(query) == '"node js"'
    assert to_tsquery_sql(query)[1] == ['"node.js"']


@pytest.mark.parametrize(
    "raw",
    ['"', "(", ")", "*", "-", ":", "AND", "OR", "NOT", "-x", "", "   ", "^", "NEAR(a b)", "\x00"],
)
def test_operators_and_punctuation_alone_never_become_a_query_operator(raw):
    query = parse_query(raw)
    # Once the quoted strings are taken out, only our own operators are left.
    outside_quotes = re.sub(r'"[^"]*"', " ", to_fts5(query))
    assert set(outside_quotes.replace("(", " ").replace(")", " ").split()) <= {"AND", "OR", "NOT"}
    for quoted in re.findall(r'"[^"]*"', to_fts5(query)):
        assert re.fullmatch(r'"[^\W_]+( [^\W_]+)*"', quoted)


def test_a_query_of_only_exclusions_or_punctuation_is_empty():
    assert parse_query("-wheat").is_empty
    assert parse_query('" ( * : -').is_empty
    assert parse_query(None).is_empty


def test_quotes_control_characters_and_lone_surrogates_never_reach_the_database():
    query = parse_query('caf\u00e9 "a\x00b" \ud800x')
    assert query.text() == 'café "a b" x'
    for item in (i for group in query.groups for i in group):
        assert '"' not in item.text and "\x00" not in item.text


def test_long_input_is_cut_to_a_bounded_number_of_items():
    query = parse_query(" ".join(f"word{i}" for i in range(1000)))
    assert len(query.groups) == MAX_ITEMS
    assert len(parse_query("x" * 100_000).groups[0][0].words[0]) <= 64


def test_a_word_both_sought_and_excluded_is_sought():
    assert parse_query("bread -bread").text() == "bread"


def test_little_words_are_left_out_unless_they_are_all_there_is():
    assert parse_query("how to feed the starter").text() == "feed starter"
    assert parse_query("the").text() == "the"
    assert parse_query('"the starter" -the').text() == '"the starter"'
