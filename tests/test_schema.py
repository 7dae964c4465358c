"""The table contract: one definition every module imports, and what each helper does."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from analysis import schema
from analysis.errors import AnalysisError, CorpusError, MetadataError


def test_every_module_takes_the_contract_from_schema():
    # the same objects, not copies that could drift apart
    from analysis import aggregate, corpus, pipeline, sources

    assert pipeline.QUOTE_DTYPES is schema.QUOTE_DTYPES
    assert pipeline.SPEAKER_DTYPES is schema.SPEAKER_DTYPES
    assert pipeline.PROBLEM_COLUMNS is schema.PROBLEM_COLUMNS
    assert corpus.PROBLEM_COLUMNS is schema.PROBLEM_COLUMNS
    assert sources.SOURCE_TYPES is schema.SOURCE_TYPES
    assert aggregate.CATEGORIES["origin"] is schema.ORIGINS
    assert aggregate.add_period is schema.add_period


def test_categories_are_ordered_and_match_the_dtypes():
    assert schema.SOURCE_TYPES[-1] == "unknown"
    for values, dtype in [
        (schema.SOURCE_TYPES, schema.SOURCE_TYPE_DTYPE),
        (schema.ORIGINS, schema.ORIGIN_DTYPE),
        (schema.GENDERS, schema.GENDER_DTYPE),
        (schema.ENTITIES, schema.ENTITY_DTYPE),
        (schema.KINDS, schema.KIND_DTYPE),
    ]:
        assert dtype.ordered
        assert tuple(dtype.categories) == values
    assert schema.QUOTE_DTYPES["kind"] == schema.KIND_DTYPE
    # a value outside the categories becomes NaN, it is not added as a new category
    assert pd.Series(["expert", "pundit"]).astype(schema.SOURCE_TYPE_DTYPE).isna().tolist() == [
        False,
        True,
    ]


def test_article_columns_order():
    columns = ["text", "section", "encoding", "polarity", "article_id", "n_quotes", "source"]
    unscored = schema.article_columns(columns, scored=False)
    # metadata, then the loader's source/encoding, then other extras by name, then counts;
    # text is an extra only because the caller kept it (the pipeline drops it before)
    assert unscored == [
        *schema.METADATA_COLUMNS,
        "text",
        "source",
        "encoding",
        "section",
        *schema.COUNT_COLUMNS,
    ]
    assert schema.article_columns(columns, scored=True)[-1] == "quoted_vader_compound"
    assert "polarity" not in unscored


def test_sort_rows_puts_most_quoted_first_and_is_stable():
    speakers = pd.DataFrame(
        {
            "article_id": ["b", "a", "a", "a"],
            "n_quotes": [5, 1, 2, 1],
            "speaker": ["Zed", "Bo", "Al", "Ann"],
        },
        index=[10, 11, 12, 13],
    )
    table = schema.sort_rows(speakers, "speakers")
    # a before b; within a: 2 quotes, then the two 1-quote speakers by name (Ann < Bo)
    assert table["speaker"].tolist() == ["Al", "Ann", "Bo", "Zed"]
    assert table.index.tolist() == [0, 1, 2, 3]
    quotes = pd.DataFrame({"article_id": ["a", "a", "a"], "start": [9, 0, 0], "end": [12, 5, 3]})
    assert schema.sort_rows(quotes, "quotes")[["start", "end"]].values.tolist() == [
        [0, 3],
        [0, 5],
        [9, 12],
    ]
    with pytest.raises(KeyError):
        schema.sort_rows(quotes, "problems")  # problems keep the order found: no sort key


def test_problem_row_from_a_corpus_error_and_from_any_error():
    err = MetadataError("corpus/012.txt", "metadata 'date' is '2016-13-01', not YYYY-MM-DD")
    assert schema.problem_row(err) == {
        "source": "corpus/012.txt",
        "error": "MetadataError",
        "problem": "metadata 'date' is '2016-13-01', not YYYY-MM-DD",
    }
    row = schema.problem_row(ValueError("boom"), source="a.txt", problem="analysis failed")
    assert row == {"source": "a.txt", "error": "ValueError", "problem": "analysis failed"}
    assert list(row) == schema.PROBLEM_COLUMNS
    table = schema.problems_table([schema.problem_row(CorpusError("b.csv:3", "empty text"))])
    assert table.to_dict("records") == [
        {"source": "b.csv:3", "error": "CorpusError", "problem": "empty text"}
    ]
    assert list(schema.problems_table([]).columns) == schema.PROBLEM_COLUMNS


@pytest.mark.parametrize(
    ("table", "columns", "message"),
    [
        (
            pd.DataFrame({"a": [1]}),
            ["a", "b", "c"],
            r"^quotes table: missing column\(s\) \['b', 'c'\]; the table has \['a'\]$",
        ),
        ([{"a": 1}], ["a"], r"^quotes table: expected a pandas DataFrame, got list$"),
    ],
    ids=["missing", "not-a-table"],
)
def test_check_columns_names_the_table_and_the_problem(table, columns, message):
    with pytest.raises(AnalysisError, match=message):
        schema.check_columns(table, columns, "quotes table")


def test_check_columns_passes_and_ignores_none():
    schema.check_columns(pd.DataFrame({"a": [], "b": []}), ["b", None, "a"], "plot_bars")


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("Y", ["2021", "2021", ""]),
        ("Q", ["2021Q1", "2021Q4", ""]),
        ("M", ["2021-03", "2021-12", ""]),
        ("D", ["2021-03-04", "2021-12-31", ""]),
    ],
)
def test_add_period_labels_and_the_undated_group(period, expected):
    table = pd.DataFrame({"article_id": ["a", "b", "c"], "date": ["2021-03-04", "2021-12-31", ""]})
    result = schema.add_period(table, period)
    assert result["period"].tolist() == expected
    assert "period" not in table  # a copy
    assert result["date"].tolist() == table["date"].tolist()


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            ["2021-03-04", "2021-13-01"],
            r"article 'b': date is '2021-13-01', not YYYY-MM-DD or empty",
        ),
        (["03/04/2021", ""], r"article 'a': date is '03/04/2021', not YYYY-MM-DD"),
        (["2021-03-04T10:00", ""], r"article 'a': date is '2021-03-04T10:00'"),
    ],
    ids=["month-13", "slashes", "time-part"],
)
def test_add_period_refuses_a_bad_date_and_names_its_article(dates, message):
    table = pd.DataFrame({"article_id": ["a", "b"], "date": dates})
    with pytest.raises(AnalysisError, match=message):
        schema.add_period(table, "M")


def test_add_period_refuses_an_unknown_alias_and_a_missing_column():
    table = pd.DataFrame({"date": ["2021-03-04"]})
    with pytest.raises(AnalysisError, match=r"period 'fortnight': expected one of \['Y'"):
        schema.add_period(table, "fortnight")
    with pytest.raises(AnalysisError, match=r"missing column\(s\) \['published'\]"):
        schema.add_period(table, "M", column="published")


def _modules_loaded_by(statement: str) -> set[str]:
    code = f"import json, sys; {statement}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


def test_importing_the_table_modules_does_not_load_the_extractor():
    # aggregate used to import pipeline for three category lists, which loaded the quote
    # extractor, the source classifier and nupunkt
    loaded = _modules_loaded_by("import analysis.aggregate, analysis.plots")
    assert {"analysis.schema", "analysis.aggregate", "analysis.plots"} <= loaded
    heavy = {"analysis.pipeline", "analysis.quotes", "analysis.sources", "nupunkt"}
    assert not heavy & loaded
