"""Tests of analysis.audit: the sample, the form, the checked reader, the corrected shares."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import audit
from analysis.audit_simulation import (
    coverage_study,
    fill_from_truth,
    simulate_corpus,
    summarize_coverage,
)
from analysis.cli import main
from analysis.errors import AuditError, OutputError

REPO = Path(__file__).resolve().parents[1]
CASE_LABELS = REPO / "notebooks" / "data" / "case_study_audit.csv"
ARTICLE = "000_b1a77089e6833a8a"


# --- Krippendorff's alpha ---------------------------------------------------------------


def test_alpha_two_coders_worked_by_hand():
    # units (a,a) (a,b) (b,b) (b,b) (a,a): coincidences o_aa = 4, o_ab = o_ba = 1, o_bb = 4;
    # n_a = n_b = 5, n = 10. D_o = 2/10; D_e = 2*5*5/(10*9) = 50/90; 1 - 0.2/0.5556 = 0.64
    data = [["a", "a"], ["a", "b"], ["b", "b"], ["b", "b"], ["a", "a"]]
    assert audit.krippendorff_alpha(data) == pytest.approx(0.64)


def test_alpha_matches_krippendorffs_published_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the 4-coder,
    # 12-unit nominal example with missing values: alpha = 0.743
    n = None
    coders = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
        [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
    ]
    assert audit.krippendorff_alpha(list(zip(*coders, strict=True))) == pytest.approx(
        0.743, abs=5e-4
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([["x", "x"], ["y", "y"], ["x", "x"]], 1.0),  # perfect agreement
        ([["x", "x"], ["x", "x"]], np.nan),  # one value only: nothing to agree on
        ([["x", None], ["y", "y"], ["x", "x"]], 1.0),  # an unpaired value is left out
        ([["x", "y"], ["y", "x"]], -0.5),  # n=4, D_o = 4/4, D_e = 2*2*2/(4*3): 1 - 1.5
    ],
    ids=["agree", "no-variation", "missing", "systematic-disagreement"],
)
def test_alpha_edge_cases(data, expected):
    result = audit.krippendorff_alpha(data)
    if np.isnan(expected):
        assert np.isnan(result)
    else:
        assert result == pytest.approx(expected)


# --- sampling --------------------------------------------------------------------------


def test_confidence_bands():
    bands = audit.confidence_band(pd.Series([0.0, 0.49, 0.5, 0.79, 0.8, 1.0, np.nan]))
    assert bands.tolist() == ["low", "low", "mid", "mid", "high", "high", "none"]


def test_allocation_minimum_then_proportional():
    # 20 to draw from strata of 100, 10 and 3: the 3 are all taken, 10 gets its minimum
    # of 5, and the 12 left go to the large stratum (proportional share 20*100/113 = 17.7)
    alloc = audit._allocate(np.array([100, 10, 3]), 20)
    assert alloc.tolist() == [12, 5, 3]
    assert audit._allocate(np.array([4, 2]), 50).tolist() == [4, 2]  # census


@pytest.fixture(scope="module")
def case():
    corpus = analysis.load_corpus(REPO / "corpus")
    results = analysis.analyze(corpus, sentiment=False)
    return corpus, results


def test_frame_of_the_case_study(case):
    corpus, results = case
    frame = audit.audit_frame(
        results, dict(zip(corpus.articles["article_id"], corpus.articles["text"], strict=True))
    )
    assert (frame["unit"] == "quote").sum() == 9
    # checked by hand: sentences 1, 8, 9 and 11-17 hold a quote or its speaker; the other
    # seven (the background paragraphs and "However, it is very likely ...") do not
    sentences = frame.loc[frame["unit"] == "sentence", "sentence_id"].str.split(":s").str[1]
    assert sentences.tolist() == ["2", "3", "4", "5", "6", "7", "10"]
    assert frame.loc[frame["quote_id"] == f"{ARTICLE}:1", "sys_gender"].item() == "none"
    assert frame.loc[frame["quote_id"] == f"{ARTICLE}:5", "sys_is_anonymous"].item() == "anonymous"


def test_sample_is_a_census_when_n_exceeds_the_corpus(case):
    corpus, results = case
    sample = audit.sample_audit(results, corpus, n=200, n_sentences=50, seed=1)
    assert len(sample.items) == 16
    assert (sample.items["weight"] == 1.0).all()
    assert sample.items["item_id"].tolist() == list(range(1, 17))
    assert sample.design["n_units"].sum() == 16
    assert list(sample.items.columns[: len(audit.AUDIT_COLUMNS)]) == audit.AUDIT_COLUMNS


def test_stratified_draw_weights_and_determinism():
    sim = simulate_corpus(60, seed=3)
    first, design = audit.draw_sample(sim.frame, n=40, n_sentences=10, seed=7)
    again, _ = audit.draw_sample(sim.frame, n=40, n_sentences=10, seed=7)
    other, _ = audit.draw_sample(sim.frame, n=40, n_sentences=10, seed=8)
    pd.testing.assert_frame_equal(first, again)
    assert not first["quote_id"].equals(other["quote_id"])
    assert (first["unit"] == "quote").sum() == 40
    assert (first["unit"] == "sentence").sum() == 10
    # weights are inverse inclusion probabilities: they add up to each stratum's size
    sizes = design.groupby("stratum")["n_units"].sum()
    weights = first.groupby("stratum")["weight"].sum()
    assert weights.to_numpy() == pytest.approx(sizes.reindex(weights.index).to_numpy())
    assert set(design["stratum"]) >= set(first["stratum"])


# --- the written audit and its form -----------------------------------------------------


def test_write_refuses_to_overwrite(case, tmp_path):
    corpus, results = case
    sample = audit.sample_audit(results, corpus, n=5, n_sentences=2)
    audit.write_audit(sample, tmp_path / "a")
    (tmp_path / "a" / "audit.csv").write_text("filled by hand", encoding="utf-8")
    with pytest.raises(OutputError, match=r"audit\.csv: exists"):
        audit.write_audit(sample, tmp_path / "a")
    assert (tmp_path / "a" / "audit.csv").read_text(encoding="utf-8") == "filled by hand"
    audit.write_audit(sample, tmp_path / "a", force=True)
    assert (tmp_path / "a" / "audit.csv").read_text(encoding="utf-8").startswith("item_id,")


def _hostile_results():
    text = 'Officials said: "<script>alert(1)</script> & </script><!-- more," said Dr. Jane Roe.'
    table = pd.DataFrame({"article_id": ["x1"], "text": [text]})
    return table, analysis.analyze(table, sentiment=False)


def test_page_escapes_every_corpus_string():
    table, results = _hostile_results()
    assert len(results.quotes), "the hostile article must have a quote to show"
    page = audit.sample_audit(results, table, n=5, n_sentences=5).page
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    assert len(scripts) == 1  # only our own script element
    assert "alert(1)" in page and "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "</script>" not in scripts[0] and "<!--" not in scripts[0]
    assert not re.search(r"(src|href)=\"?https?:", page)  # nothing fetched: works offline


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_page_exports_the_same_csv(case, tmp_path):
    corpus, results = case
    sample = audit.sample_audit(results, corpus, n=200, n_sentences=50)
    audit.write_audit(sample, tmp_path)
    script = re.search(r"<script>(.*?)</script>", sample.page, flags=re.S).group(1)
    driver = (
        "const store = {'f-1-is_attribution': {value: 'yes'}, 'f-1-notes': {value: 'a, \"b\"'}};\n"
        "globalThis.document = {getElementById: id => (store[id] = store[id] || "
        "{value: '', addEventListener() {}}), querySelectorAll: () => []};\n"
        + script
        + "\nprocess.stdout.write(buildCsv());\n"
        # "Load CSV": a saved file with CRLF line ends and a quoted multi-line note
        + 'load(\'item_id,notes,is_attribution\\r\\n2,"x\\ny, ""z""",no\\r\\n\');\n'
        + "process.stderr.write(JSON.stringify([store['f-2-notes'].value, "
        "store['f-2-is_attribution'].value]));\n"
    )
    run = subprocess.run(
        ["node", "-e", driver], capture_output=True, text=True, check=True, timeout=60
    )
    expected = pd.read_csv(tmp_path / "audit.csv", dtype="str", keep_default_na=False)
    got = pd.read_csv(io.StringIO(run.stdout), dtype="str", keep_default_na=False)
    expected.loc[0, "is_attribution"] = "yes"
    expected.loc[0, "notes"] = 'a, "b"'
    pd.testing.assert_frame_equal(got, expected)
    assert json.loads(run.stderr) == ['x\ny, "z"', "no"]


def test_optional_columns_stratify_and_break_down_the_scores(case):
    # columns other stages add (confidence, method, gender_basis): used when present
    corpus, results = case
    quotes = results.quotes.assign(
        confidence=[0.9, 0.95, 0.4, 0.85, 0.6, 0.9, 0.92, 0.88, 0.3],
        method=["rule"] * 5 + ["model"] * 4,
        gender_basis=[
            "",
            "honorific",
            "honorific",
            "",
            "",
            "pronoun",
            "",
            "first name",
            "first name",
        ],
    )
    richer = dataclasses.replace(results, quotes=quotes)
    sample = audit.sample_audit(richer, corpus)
    assert sample.items.loc[0, "stratum"] == "official|none|mixed|high"  # 0.9 -> high band
    labels = pd.read_csv(CASE_LABELS, dtype="str", keep_default_na=False)
    checked = audit.audit_from_table(audit.merge_labels(sample.items, labels)[0], sample.design)
    scores = audit.audit_scores(checked, n_boot=20).set_index(["measure", "category"])["n_items"]
    assert scores[("attribution_precision_by_method", "rule")] == 5
    assert scores[("attribution_precision_by_confidence", "low")] == 2  # 0.4 and 0.3
    # Marie Richards's quote 4 has a gender but no basis: counted as "unknown"
    assert scores[("gender_precision_by_basis", "honorific")] == 2
    assert scores[("gender_precision_by_basis", "unknown")] == 3  # quote 4, Asruf el Qat, commander


def test_speaker_columns_come_from_the_speakers_table(case):
    _, results = case
    speakers = results.speakers.assign(
        gender_basis=lambda d: np.where(d["speaker"] == "Marie Richards", "honorific", ""),
        speaker_id=lambda d: d["speaker_key"],
    )
    bare_quotes = results.quotes.drop(  # a run whose quotes table lacks the speaker columns
        columns=["speaker_id", "gender_basis", "type_basis", "origin_basis"], errors="ignore"
    )
    frame = audit.audit_frame(dataclasses.replace(results, quotes=bare_quotes, speakers=speakers))
    richards = frame.loc[frame["speaker"] == "Marie Richards"]
    assert (richards["gender_basis"] == "honorific").all() and len(richards) == 4
    assert (
        frame.loc[frame["speaker"] == "Geoff Porter", "speaker_id"].tolist() == ["geoff porter"] * 2
    )


# --- reading a filled audit -------------------------------------------------------------


@pytest.fixture
def drawn(case, tmp_path):
    corpus, results = case
    sample = audit.sample_audit(results, corpus, n=200, n_sentences=50)
    audit.write_audit(sample, tmp_path)
    labels = pd.read_csv(CASE_LABELS, dtype="str", keep_default_na=False)
    items = pd.read_csv(tmp_path / "audit.csv", dtype="str", keep_default_na=False)
    filled, notes = audit.merge_labels(items, labels)
    assert notes == []
    return results, tmp_path, filled


def _write(table: pd.DataFrame, path: Path) -> Path:
    table.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: t.assign(is_attribution=t["is_attribution"].where(t.index != 2, "maybe")),
            r"line 4: is_attribution 'maybe': expected yes or no",
        ),
        (
            lambda t: t.assign(true_gender=t["true_gender"].where(t.index != 0, "woman")),
            r"line 2: true_gender 'woman': expected one of",
        ),
        (
            lambda t: t.assign(true_gender=t["true_gender"].where(t.index != 1, "male")),
            r"line 3: is_attribution is no but true_gender is filled",
        ),
        (
            lambda t: t.assign(is_attribution=t["is_attribution"].where(t.index != 0, "")),
            r"line 2: speaker_ok is filled but is_attribution is blank",
        ),
        (
            lambda t: t.assign(
                speaker_ok=t["speaker_ok"].where(t.index != 1, "yes"),
                is_attribution=t["is_attribution"].where(t.index != 1, "yes"),
            ),
            r"line 3: speaker_ok is for extracted quotes",
        ),
        (
            lambda t: t.drop(index=3),
            r"stratum 'sentence': 6 rows, but its weight 1 says 7 were drawn",
        ),
        (lambda t: pd.concat([t, t.iloc[[0]]]), r"item_id 1 repeats line 2"),
        (
            lambda t: t.assign(stratum=t["stratum"].where(t.index != 0, "made|up")),
            r"line 2: stratum 'made\|up' is not in the design",
        ),
        (
            lambda t: t.assign(source_type=t["source_type"].where(t.index != 0, "military")),
            r"line 2: source_type 'military' differs from the results' 'official'",
        ),
        (lambda t: t.drop(columns="true_origin"), r"missing column\(s\) \['true_origin'\]"),
    ],
    ids=[
        "bad-yes-no",
        "bad-category",
        "no-but-filled",
        "blank-but-filled",
        "speaker-on-sentence",
        "row-deleted",
        "repeated",
        "unknown-stratum",
        "edited-system-answer",
        "missing-column",
    ],
)
def test_bad_rows_are_named_by_line(drawn, edit, message):
    results, folder, filled = drawn
    path = _write(edit(filled), folder / "bad.csv")
    with pytest.raises(AuditError, match=message) as caught:
        audit.read_audit(path, results=results)
    assert str(caught.value).startswith(str(path))


def test_an_audit_of_an_older_run_is_refused(drawn):
    results, folder, filled = drawn
    extra = results.quotes.iloc[[0]].assign(quote_id=f"{ARTICLE}:10")
    grown = dataclasses.replace(results, quotes=pd.concat([results.quotes, extra]))
    with pytest.raises(AuditError, match=rf"{ARTICLE}: 9 then, 10 now\); draw a new sample"):
        audit.read_audit(_write(filled, folder / "filled.csv"), results=grown)


def test_missing_design_is_named(drawn, tmp_path):
    _, folder, filled = drawn
    elsewhere = _write(filled, tmp_path / "elsewhere.csv")
    (folder / "design.csv").rename(folder / "kept.csv")
    with pytest.raises(
        AuditError, match=r"design\.csv: 1 problem:\n  missing: the sampling design"
    ):
        audit.read_audit(elsewhere)
    assert len(audit.read_audit(elsewhere, design=folder / "kept.csv").items) == 16


def test_blank_means_not_checked(drawn):
    results, folder, filled = drawn
    partial = filled.copy()
    partial.loc[partial["quote_id"] == f"{ARTICLE}:8", audit.FILL_COLUMNS] = ""
    checked = audit.read_audit(_write(partial, folder / "partial.csv"), results=results)
    assert checked.items["is_attribution"].isna().sum() == 1
    scores = audit.audit_scores(checked, n_boot=50).set_index(["measure", "dimension", "category"])
    assert scores.loc[("attribution_precision", "", ""), "n_items"] == 8


def test_merge_labels_leaves_changed_spans_blank(drawn):
    _, folder, _ = drawn
    labels = pd.read_csv(CASE_LABELS, dtype="str", keep_default_na=False)
    labels.loc[labels["quote_id"] == f"{ARTICLE}:5", "end"] = "1628"
    items = pd.read_csv(folder / "audit.csv", dtype="str", keep_default_na=False)
    merged, notes = audit.merge_labels(items, labels)
    assert notes == [
        f"{ARTICLE}:5: labelled for 1483-1628, drawn as 1483-1668; left blank (check it by hand)"
    ]
    assert merged.loc[merged["quote_id"] == f"{ARTICLE}:5", "is_attribution"].item() == ""


# --- the committed case-study audit -----------------------------------------------------


def test_case_study_labels_agree_with_the_gold(seed_gold_path, seed_text_path):
    gold = json.loads(seed_gold_path.read_text(encoding="utf-8"))
    seed = seed_text_path.read_text(encoding="utf-8")
    body = analysis.load_corpus(REPO / "corpus").articles["text"].item()
    shift = seed.index(body[:60])  # the seed file keeps the title and byline lines
    labels = pd.read_csv(CASE_LABELS, dtype="str", keep_default_na=False)
    quotes = labels.loc[labels["quote_id"] != ""]
    assert (quotes["is_attribution"] == "yes").all() and len(quotes) == len(gold["quotes"])
    for label, expected in zip(quotes.to_dict("records"), gold["quotes"], strict=True):
        start, end = int(label["start"]) + shift, int(label["end"]) + shift
        assert start < expected["end"] and expected["start"] < end  # the same attribution
        speaker = gold["speakers"][expected["speaker"]]
        assert label["true_source_type"] == expected["source_type"]
        assert label["true_origin"] == expected["origin"]
        assert label["true_is_anonymous"] == ("anonymous" if expected["is_anonymous"] else "named")
        assert label["true_gender"] == (speaker["gender"] or "none")
    sentences = labels.loc[labels["sentence_id"] != ""]
    for label in sentences.to_dict("records"):  # no gold quote lies in a no-quote sentence
        start, end = int(label["start"]) + shift, int(label["end"]) + shift
        assert not any(start < q["end"] and q["start"] < end for q in gold["quotes"])
        assert label["is_attribution"] == "no"


def test_case_study_scores_and_corrected_shares(drawn):
    results, folder, filled = drawn
    checked = audit.read_audit(_write(filled, folder / "filled.csv"), results=results)
    scores = audit.audit_scores(checked, n_boot=100).set_index(["measure", "dimension", "category"])
    # every extracted quote is a real attribution with the right speaker; no sentence hides one
    assert scores.loc[("attribution_precision", "", ""), "estimate"] == 1.0
    assert scores.loc[("speaker_precision", "", ""), "estimate"] == 1.0
    assert scores.loc[("miss_rate", "", ""), "estimate"] == 0.0
    confusion = audit.confusion_table(checked, n_boot=50).set_index(["dimension", "system", "true"])
    # 5 official quotes, all truly official; the 7 sentences hold nothing (not listed)
    assert confusion.loc[
        ("source_type", "official", "official"), ["n_items", "share"]
    ].tolist() == [5, 1.0]
    assert "missed" not in confusion.index.get_level_values("system")
    table = analysis.sourcing_balance(results, audit=checked, n_boot=100)
    quotes = table.loc[table["measure"] == "quotes"]
    # a census with no error: corrected = raw, and the interval is the raw one (one article)
    assert quotes["share_corrected"].to_numpy() == pytest.approx(quotes["share"].to_numpy())
    assert quotes["ci_high_corrected"].to_numpy() == pytest.approx(quotes["ci_high"].to_numpy())
    assert table.loc[table["measure"] != "quotes", "share_corrected"].isna().all()
    female = table.loc[
        (table["dimension"] == "gender")
        & (table["category"] == "female")
        & (table["measure"] == "quotes")
    ]
    # 4 of the 8 person quotes are Marie Richards's; 2 are by persons of unknown gender
    assert female[
        ["share", "share_if_unknown_female", "share_if_unknown_male"]
    ].to_numpy().tolist() == [[0.5, 0.75, 0.5]]


# --- the estimator, worked by hand ------------------------------------------------------


def _hand_audit(rows, design_rows):
    """An Audit from short rows: (stratum, article, sys_type, is_attribution, true_type)."""
    design = pd.DataFrame(
        design_rows, columns=["article_id", "stratum", "source_type", "n_units"]
    ).assign(unit="quote", gender="none", origin="unknown", is_anonymous="named")[
        audit.DESIGN_COLUMNS
    ]
    sizes = design.groupby("stratum")["n_units"].sum()
    drawn = pd.Series([r[0] for r in rows]).value_counts()
    table = pd.DataFrame(
        [
            {
                **dict.fromkeys(audit.AUDIT_COLUMNS, ""),
                "item_id": i + 1,
                "unit": "quote",
                "article_id": article,
                "quote_id": f"{article}:{i}",
                "source_type": system,
                "origin": "unknown",
                "is_anonymous": "false",
                "stratum": stratum,
                "weight": sizes[stratum] / drawn[stratum],
                "is_attribution": is_attribution,
                "true_source_type": truth,
                "true_gender": "none" if is_attribution == "yes" else "",
                "true_origin": "unknown" if is_attribution == "yes" else "",
                "true_is_anonymous": "named" if is_attribution == "yes" else "",
            }
            for i, (stratum, article, system, is_attribution, truth) in enumerate(rows)
        ]
    )
    return audit.audit_from_table(table, design)


def test_corrected_shares_worked_by_hand():
    # system "official": 10 quotes (a1: 6, a2: 4), 2 audited: one official, one not a quote
    #   -> 10 * 1/2 = 5 true official quotes
    # system "civilian": 10 quotes (a2), 2 audited: one civilian, one truly official
    #   -> 5 civilian, 5 official
    # corrected: official 10 of 15 = 2/3, civilian 1/3 (raw: 1/2 each)
    checked = _hand_audit(
        [
            ("official", "a1", "official", "yes", "official"),
            ("official", "a2", "official", "no", ""),
            ("civilian", "a2", "civilian", "yes", "civilian"),
            ("civilian", "a2", "civilian", "yes", "official"),
        ],
        [
            ("a1", "official", "official", 6),
            ("a2", "official", "official", 4),
            ("a2", "civilian", "civilian", 10),
        ],
    )
    shares = audit.corrected_shares(checked, dimensions=["source_type"], n_boot=200).set_index(
        "category"
    )
    assert shares.loc["official", "n_corrected"] == pytest.approx(10.0)
    assert shares.loc["official", "share_corrected"] == pytest.approx(2 / 3)
    assert shares.loc["civilian", "share_corrected"] == pytest.approx(1 / 3)
    assert shares.loc["expert", "share_corrected"] == 0.0
    low, high = shares.loc["official", ["ci_low_corrected", "ci_high_corrected"]]
    assert low < 2 / 3 < high  # two audited items per stratum: a wide interval


def test_an_unaudited_cell_borrows_from_the_same_system_answer():
    # origin is not a stratum: stratum "s1" has 1 quote the system calls domestic and 9
    # "unknown"; the 2 audited ones are both "unknown" (correctly). Stratum "s2" has 4
    # "domestic" quotes, 2 audited, both truly domestic. The unaudited s1/domestic cell
    # borrows the rate of all checked "domestic" items (both right): 1 + 4 = 5 domestic
    # quotes of 14, as the system says, instead of the 4 a stratum-wide rate would give
    design = pd.DataFrame(
        [("a1", "s1", "domestic", 1), ("a1", "s1", "unknown", 9), ("a2", "s2", "domestic", 4)],
        columns=["article_id", "stratum", "origin", "n_units"],
    ).assign(unit="quote", source_type="official", gender="none", is_anonymous="named")
    rows = [
        ("s1", "unknown", 5.0),
        ("s1", "unknown", 5.0),
        ("s2", "domestic", 2.0),
        ("s2", "domestic", 2.0),
    ]
    table = pd.DataFrame(
        [
            {
                **dict.fromkeys(audit.AUDIT_COLUMNS, ""),
                "item_id": i + 1,
                "unit": "quote",
                "article_id": "a1" if stratum == "s1" else "a2",
                "quote_id": f"q{i}",
                "source_type": "official",
                "origin": origin,
                "is_anonymous": "false",
                "stratum": stratum,
                "weight": weight,
                "is_attribution": "yes",
                "true_source_type": "official",
                "true_gender": "none",
                "true_origin": origin,
                "true_is_anonymous": "named",
            }
            for i, (stratum, origin, weight) in enumerate(rows)
        ]
    )
    checked = audit.audit_from_table(table, design[audit.DESIGN_COLUMNS])
    shares = audit.corrected_shares(checked, dimensions=["origin"], n_boot=50)
    assert shares.set_index("category")["n_corrected"].to_dict() == pytest.approx(
        {"domestic": 5.0, "foreign": 0.0, "unknown": 9.0}
    )
    notes = audit._fit(checked, "origin").notes
    assert notes == (
        "origin: s1 / domestic has 0 checked item(s) of 1; it borrows the rate of all checked 'domestic' items",
    )


def test_a_full_audit_recovers_the_corpus_truth_exactly():
    sim = simulate_corpus(40, seed=11)
    items, design = audit.draw_sample(sim.frame, n=10_000, n_sentences=10_000, seed=0)
    checked = audit.audit_from_table(fill_from_truth(items, sim), design)
    shares = audit.corrected_shares(checked, dimensions=["source_type", "gender"], n_boot=20)
    truth = sim.truth.loc[sim.truth["is_attribution"]]
    persons = truth.loc[truth["true_gender"] != "none", "true_gender"]
    for (dimension, category), value in shares.set_index(["dimension", "category"])[
        "share_corrected"
    ].items():
        column = truth["true_source_type"] if dimension == "source_type" else persons
        assert value == pytest.approx((column == category).mean()), (dimension, category)


def test_gender_bounds_per_group():
    table = pd.DataFrame(
        {
            "outlet": ["A"] * 3 + ["B"] * 3,
            "dimension": "gender",
            "category": ["female", "male", "unknown"] * 2,
            "measure": "quotes",
            "share": [0.2, 0.5, 0.3, 0.6, 0.4, 0.0],
        }
    )
    bounds = audit.gender_bounds(table)
    assert bounds["share_if_unknown_female"].tolist() == pytest.approx([0.5, 0.5, 0, 0.6, 0.4, 0])
    assert bounds["share_if_unknown_male"].tolist() == pytest.approx([0.2, 0.8, 0, 0.6, 0.4, 0])


# --- the command line -------------------------------------------------------------------


def test_command_line_sample_and_score(tmp_path, capsys):
    results_dir, audit_dir, out = tmp_path / "results", tmp_path / "audit", tmp_path / "scores"
    assert (
        main(
            [
                "analyze",
                str(REPO / "corpus"),
                "--out",
                str(results_dir),
                "--no-sentiment",
                "--jobs",
                "1",
                "--quiet",
            ]
        )
        == 0
    )
    # without --corpus the corpus the run recorded in its manifest is used
    assert main(["audit", "sample", str(results_dir), "--out", str(tmp_path / "recorded")]) == 0
    assert (tmp_path / "recorded" / "audit.csv").is_file()
    assert (
        main(
            [
                "audit",
                "sample",
                str(results_dir),
                "--out",
                str(audit_dir),
                "--corpus",
                str(REPO / "corpus"),
            ]
        )
        == 0
    )
    items = pd.read_csv(audit_dir / "audit.csv", dtype="str", keep_default_na=False)
    labels = pd.read_csv(CASE_LABELS, dtype="str", keep_default_na=False)
    _write(audit.merge_labels(items, labels)[0], audit_dir / "filled.csv")
    filled = str(audit_dir / "filled.csv")
    args = ["audit", "score", str(results_dir), filled, filled, "--out", str(out), "--n-boot", "50"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "attribution_precision: 1.000" in printed
    scores = pd.read_csv(out / "audit_scores.csv")
    alpha = scores.loc[scores["measure"] == "krippendorff_alpha"].set_index("dimension")["estimate"]
    assert alpha["true_source_type"] == 1.0  # the same file twice agrees with itself
    balance = pd.read_csv(out / "balance_corrected.csv")
    assert {"share_corrected", "ci_low_corrected", "ci_high_corrected"} <= set(balance.columns)
    assert main(args) == 2  # never overwrites the scores
    assert "exists" in capsys.readouterr().err


# --- simulated corpora with known truth -------------------------------------------------


@pytest.mark.slow
def test_corrected_shares_are_unbiased_and_cover_the_truth():
    """100 corpora of 300 articles, each audited with 200 quotes and 60 sentences.

    The model (SimulationModel defaults) recalls female sources less often than male ones,
    misclassifies genders and source types per speaker, adds false quotes and hides missed
    ones in no-quote sentences: the raw female share is biased low, the corrected one not.
    Same figures: ``python -m analysis.audit_simulation``.
    """
    study = coverage_study(100)
    summary = summarize_coverage(study).set_index(["dimension", "category"])
    assert (summary["bias_in_se"].abs() < 3.5).all(), summary  # unbiased within noise
    assert 0.93 <= study["covered"].mean() <= 0.99, summary  # measured: 0.964
    assert (summary["coverage"] >= 0.88).all(), summary
    female = summary.loc[("gender", "female")]
    assert female["raw"] < female["truth"] - 0.03  # the raw share is biased low


def _as_system(items: pd.DataFrame) -> pd.DataFrame:
    """An auditor who finds the system right everywhere and no missed quote."""
    quote = items["unit"] == "quote"
    return items.assign(
        is_attribution=np.where(quote, "yes", "no"),
        speaker_ok=np.where(quote, "yes", ""),
        true_source_type=np.where(quote, items["source_type"], ""),
        true_gender=np.where(quote, items["gender"].replace("", "none"), ""),
        true_origin=np.where(quote, items["origin"], ""),
        true_is_anonymous=np.where(
            quote,
            items["is_anonymous"].map({"true": "anonymous", "false": "named", "": "unattributed"}),
            "",
        ),
    )


@pytest.mark.slow
def test_an_all_correct_audit_reproduces_the_raw_shares(wikinews_path):
    corpus = analysis.load_corpus(wikinews_path)
    # every quote counted: with a confidence floor, quotes under it that the audit finds
    # to be attributions rightly enter the corrected shares but not the raw ones
    results = analysis.analyze(corpus, sentiment=False, min_confidence=0.0)
    sample = audit.sample_audit(results, corpus, n=200, n_sentences=50, seed=1)
    checked = audit.audit_from_table(_as_system(sample.items), sample.design, results=results)
    table = audit.corrected_balance(results, checked, n_boot=50)
    quotes = table.loc[table["measure"] == "quotes"].set_index(["dimension", "category"])
    for dimension in ("source_type", "gender", "is_anonymous"):
        part = quotes.loc[dimension]
        assert part["share_corrected"].to_numpy() == pytest.approx(part["share"].to_numpy())
    # origin is no stratum: cells of rare origins (domestic, foreign) have fewer than 2 checked
    # items, so they borrow the rate of all checked items with the same answer, and the
    # estimator says so in its notes
    notes = audit._fit(checked, "origin").notes
    assert notes and all("borrows the rate of all checked" in n for n in notes)
