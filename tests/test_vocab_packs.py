"""Vocabulary packs: the built-in packs, a pack named in EVALKIT_VOCAB_PACKS, and the recipe
in docs/recipes/vocabulary-pack.md run as it is written there.

Packs are fixed for the life of a process, so every run with a pack is a subprocess.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from evalkit import vocab

RECIPE = Path(__file__).parents[1] / "docs" / "recipes" / "vocabulary-pack.md"


def blocks(page: Path) -> dict[str, str]:
    """The fenced blocks of a page by their info string after the language ('report.txt')."""
    found = re.findall(r"^```(\w+) ([^\n]+)\n(.*?)^```", page.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)
    return {name.strip(): body for _, name, body in found}


def run(code: str, packs: list[Path] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != vocab.PACKS_VARIABLE}
    if packs is not None:
        env[vocab.PACKS_VARIABLE] = os.pathsep.join(map(str, packs))
    return subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=120)


READ = """
import json, evalkit
r = evalkit.read_report("report.txt")
rows = [[s, i, a, int(src.rsplit(":", 1)[1])] for s, i, a, src in
        zip(r.budget["stage"], r.budget["item"], r.budget["amount_wan"], r.budget["source"])]
print(json.dumps({"budget": rows, "residue_lines": sorted(int(s.rsplit(":", 1)[1]) for s in r.residue["source"])}))
"""


def test_the_built_in_packs_hold_every_vocabulary_once():
    assert [name for name, _ in vocab.packs()] == ["core", "medical"]
    here = Path(vocab.__file__).parent
    core = {p.stem for p in (here / "core").glob("*.csv")}
    medical = {p.stem for p in (here / "medical").glob("*.csv")}
    assert core & medical == {"context_words", "table_kinds", "word_lists"}  # split by row: medical words in the medical pack
    assert {"stages", "budget_items", "units"} <= core and {"schemes", "fund_flows"} <= medical
    kinds = {r["kind"] for r in vocab.load("context_words")}
    assert {"change", "total_row", "fund", "enrollment"} <= kinds  # both packs' rows
    assert not (here / "stages.csv").exists()  # no vocabulary left outside the packs


def test_the_recipe_runs_as_written(tmp_path):
    page = blocks(RECIPE)
    (tmp_path / "report.txt").write_text(page["report.txt"], encoding="utf-8")
    pack = tmp_path / "packs" / "this-county"
    pack.mkdir(parents=True)
    (pack / "stages.csv").write_text(page["pack/stages.csv"], encoding="utf-8")
    expected = [line.split(",") for line in page["expected budget"].strip().splitlines()[1:]]
    expected = [[s, i, float(a), int(n)] for s, i, a, n in expected]

    without = run(READ, cwd=tmp_path)
    assert without.returncode == 0, without.stderr
    out = json.loads(without.stdout)
    assert out["budget"] == [] and out["residue_lines"] == [4, 5]  # the words unknown: residue

    with_pack = run(READ, packs=[pack], cwd=tmp_path)
    assert with_pack.returncode == 0, with_pack.stderr
    out = json.loads(with_pack.stdout)
    assert out["budget"] == expected and out["residue_lines"] == []


def test_a_pack_removes_a_word(tmp_path):
    pack = tmp_path / "p"
    pack.mkdir()
    (pack / "stages.csv").write_text("stage,word,action\n决算,实际支出,remove\n决算,实付数,\n",
                                     encoding="utf-8")
    code = ("from evalkit import vocab; s = vocab.synonyms('stages', 'stage'); "
            "print(s.get('实际支出'), s.get('实付数'), s.get('决算数'))")
    out = run(code, packs=[pack])
    assert out.stdout.split() == ["None", "决算", "决算"], out.stderr


def test_a_bad_pack_is_named(tmp_path):
    pack = tmp_path / "odd"
    pack.mkdir()
    (pack / "stages.csv").write_text("stage,word,colour\n决算,实付数,red\n", encoding="utf-8")
    out = run("from evalkit import vocab; vocab.load('stages')", packs=[pack])
    assert out.returncode != 0 and "odd" in out.stderr and "stages.csv" in out.stderr
    assert "colour" in out.stderr
    missing = run("from evalkit import vocab; vocab.load('stages')", packs=[tmp_path / "nowhere"])
    assert missing.returncode != 0 and "nowhere" in missing.stderr


def test_no_pack_has_the_file():
    with pytest.raises(vocab.VocabularyError, match="no_such_words.csv"):
        vocab.load("no_such_words")


def test_the_command_refuses_a_missing_pack_before_reading(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("某县医疗保障局2023年度部门整体支出绩效自评报告\n年初预算支出120万元。\n", encoding="utf-8")
    code = ("import sys; from evalkit.cli import main; "
            f"sys.exit(main(['extract', {str(report)!r}, '--out', {str(tmp_path / 'out')!r}]))")
    out = run(code, packs=[tmp_path / "nowhere"])
    assert out.returncode == 2 and "nowhere" in out.stderr
    assert not (tmp_path / "out").exists()  # nothing read, nothing written
