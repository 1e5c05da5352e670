from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from service.cli import main
from tests.api.stories import FLOOD, flood_payload
from tests.builders import STORY, story_payload


@pytest.fixture
def story_dir(tmp_path: Path) -> Path:
    for name, text in STORY.items():
        (tmp_path / f"{name}.txt").write_text(text)
    return tmp_path


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), stdout=out)
    return status, out.getvalue()


def test_folder_to_text_with_numbered_citations(story_dir: Path) -> None:
    status, text = run(str(story_dir), "--similarity", "lexical", "--max-sentences", "3")
    assert status == 0
    assert text.startswith("1. ")
    assert "   [1] " in text and "(quoted)" in text
    assert "4 articles" in text


def test_jsonl_to_json_with_exact_spans(tmp_path: Path) -> None:
    path = tmp_path / "cluster.jsonl"
    path.write_text("\n".join(json.dumps({"id": k, "text": v}) for k, v in STORY.items()))
    status, text = run(str(path), "--json", "--similarity", "lexical")
    assert status == 0
    body = json.loads(text)
    for sentence in body["sentences"]:
        first = sentence["citations"][0]
        assert STORY[first["article_id"]][first["start"] : first["end"]] == sentence["text"]


def test_request_body_file_and_budget(tmp_path: Path) -> None:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(story_payload()))
    status, text = run(str(path), "--json", "--max-words", "40", "--similarity", "lexical")
    assert status == 0
    assert sum(len(s["text"].split()) for s in json.loads(text)["sentences"]) <= 40


@pytest.mark.parametrize("content", ["not json", '{"articles": 3}', '[{"id": "a"}]'])
def test_bad_input_exits_2(tmp_path: Path, content: str, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert run(str(path))[0] == 2
    assert "summarize:" in capsys.readouterr().err


def test_nothing_summarisable_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "credit.txt"
    path.write_text("Photo: Lena Hart / Reuters\n")
    assert run(str(path), "--similarity", "lexical")[0] == 1


def test_encoder_settings_come_from_the_service_variables(
    story_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    # The command sets the encoder up as the service does: a bad SUMMARIZER_* value is
    # a usage error that names it, before any model is loaded.
    monkeypatch.setenv("SUMMARIZER_ENCODER_PARALLELISM", "0")
    assert run(str(story_dir), "--similarity", "hybrid")[0] == 2
    assert "SUMMARIZER_ENCODER_PARALLELISM" in capsys.readouterr().err
    # Lexical needs no encoder, so no encoder setting is read.
    assert run(str(story_dir), "--similarity", "lexical")[0] == 0


def test_text_shows_disputes_and_independent_support(tmp_path: Path) -> None:
    for name, text in FLOOD.items():
        (tmp_path / f"{name}.txt").write_text(text)
    status, text = run(str(tmp_path), "--similarity", "lexical", "--max-sentences", "10")
    assert status == 0
    disputed = r"   disputed by \w+: sentence \d+, chars \d+-\d+ — (12 vs 15|15 vs 12) \(number\)"
    assert re.search(disputed, text), text
    # The folder is read in name order: herald comes first, wire is its copy.
    assert "2 (1 independent)" in text.splitlines()[-1]


def test_json_carries_the_agreement_fields(tmp_path: Path) -> None:
    path = tmp_path / "flood.json"
    path.write_text(json.dumps(flood_payload()))
    status, text = run(str(path), "--json", "--similarity", "lexical")
    assert status == 0
    sentence = json.loads(text)["sentences"][0]
    assert {"independent_support", "disagreements"} <= set(sentence)
    assert {"relation", "similarity"} <= set(sentence["citations"][0])


def _update_story(tmp_path: Path) -> Path:
    from tests.builders import flood_update_payload

    path = tmp_path / "flood.jsonl"
    path.write_text(
        "".join(json.dumps(article) + "\n" for article in flood_update_payload()["articles"])
    )
    return path


def test_known_and_since_give_what_is_new(tmp_path: Path) -> None:
    story = _update_story(tmp_path)
    status, text = run(str(story), "--similarity", "lexical", "--known", "k1,k2,k3")
    assert status == 0
    first = text.splitlines()[0]
    assert "15 people" in first and first.endswith("(changed)")
    assert "disputed by k1" in text and "15 vs 12" in text
    assert "k1:" not in text.replace("disputed by k1:", "")
    status, dated = run(str(story), "--similarity", "lexical", "--since", "2026-03-03T07:00:00Z")
    assert status == 0 and dated == text
    status, plain = run(str(story), "--similarity", "lexical", "--json")
    assert status == 0 and all("novelty" not in s for s in json.loads(plain)["sentences"])


@pytest.mark.parametrize(
    ("flags", "code"), [(["--known", "k9"], 2), (["--since", "2027-01-01T00:00:00Z"], 1)]
)
def test_unknown_id_and_nothing_new(tmp_path: Path, flags: list[str], code: int) -> None:
    status, _ = run(str(_update_story(tmp_path)), "--similarity", "lexical", *flags)
    assert status == code


@pytest.mark.parametrize(
    "flags", [["--known", ","], ["--since", "2026-03-03"], ["--since", "soon"]]
)
def test_malformed_known_or_since_is_a_usage_error(tmp_path: Path, flags: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(str(_update_story(tmp_path)), "--similarity", "lexical", *flags)
    assert exit_.value.code == 2
