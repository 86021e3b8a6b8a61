"""The checks' results reused by the next command on the same folder of tables
(evalkit.derived_cache): reused only when the tables and evalkit are the same, and never
changing what a command says."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from evalkit import analysis, cli, derived_cache, incremental, side_process
from evalkit.side_process import can_fork

HOLDOUT = Path(__file__).parent / "fixtures" / "holdout"
REPORTS = (HOLDOUT / "ha-02-gansu-dept-report-pdf-wraps.txt", HOLDOUT / "ha-05-final-account-center-narrative.txt")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(derived_cache.CACHE_VARIABLE, str(folder))
    return folder


@pytest.fixture
def derives(monkeypatch):
    """The real analysis, counting its runs."""
    calls = []
    real = analysis.derive

    def counted(tables, *args, **kwargs):
        calls.append(len(tables.get("reports", ())))
        return real(tables, *args, **kwargs)

    monkeypatch.setattr(analysis, "derive", counted)
    return calls


def _tables(tmp_path: Path, text_change: str | None = None) -> Path:
    reports = tmp_path / "reports"
    reports.mkdir(exist_ok=True)
    shutil.copy(REPORTS[0], reports / "a.txt")
    text = REPORTS[1].read_text(encoding="utf-8")
    (reports / "b.txt").write_text(text + (text_change or ""), encoding="utf-8")
    assert cli.main(["extract", str(reports), "--out", str(tmp_path / "tables"), "-q", "--workers", "1"]) == 0
    return tmp_path / "tables"


def _check(capsys, folder: Path) -> str:
    code = cli.main(["check", str(folder), "--format", "csv"])
    out = capsys.readouterr().out
    assert code in (0, 1)
    return out


def test_check_then_build_derives_once(tmp_path, capsys, cache, derives):
    tables = _tables(tmp_path)
    first = _check(capsys, tables)
    assert derives == [2] and len(list(cache.glob("derived-*"))) == 1
    assert "," in first.splitlines()[1], "the fixture reports have findings to compare"
    assert _check(capsys, tables) == first, "the kept result says the same"
    assert cli.main(["build", str(tables), "--out", str(tmp_path / "build"), "-q"]) == 0
    assert derives == [2], "build reused check's result"


def test_the_same_output_with_and_without_the_cache(tmp_path, capsys, cache, derives, monkeypatch):
    tables = _tables(tmp_path)
    _check(capsys, tables)
    kept = _check(capsys, tables)
    monkeypatch.setenv(derived_cache.CACHE_VARIABLE, "off")
    assert _check(capsys, tables) == kept
    assert derives == [2, 2]


def test_changed_tables_are_derived_again(tmp_path, capsys, cache, derives):
    tables = _tables(tmp_path)
    _check(capsys, tables)
    _tables(tmp_path, text_change="\n补充说明：参保人数 12345 人。\n")  # b.txt changed: read again
    _check(capsys, tables)
    assert derives == [2, 2]
    assert len(list(cache.glob("derived-*"))) == 2


def test_another_evalkit_derives_again(tmp_path, capsys, cache, derives, monkeypatch):
    tables = _tables(tmp_path)
    _check(capsys, tables)
    monkeypatch.setattr(incremental, "fingerprint", lambda manifest=None: "another evalkit")
    _check(capsys, tables)
    assert derives == [2, 2]


def test_an_unreadable_kept_result_is_derived_again(tmp_path, capsys, cache, derives, caplog):
    tables = _tables(tmp_path)
    first = _check(capsys, tables)
    (kept,) = cache.glob("derived-*")
    kept.write_bytes(kept.read_bytes()[:100])  # cut short
    with caplog.at_level(logging.WARNING, logger="evalkit.derived_cache"):
        assert _check(capsys, tables) == first
    assert derives == [2, 2]
    assert "deriving again" in caplog.text


def test_a_cache_that_cannot_be_written_changes_nothing(tmp_path, capsys, monkeypatch, derives):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv(derived_cache.CACHE_VARIABLE, str(blocker / "cache"))
    tables = _tables(tmp_path)
    first = _check(capsys, tables)
    assert _check(capsys, tables) == first
    assert derives == [2, 2]


def test_off_keeps_nothing(tmp_path, capsys, derives):
    tables = _tables(tmp_path)  # the suite's default: EVALKIT_CACHE_DIR=off
    _check(capsys, tables)
    _check(capsys, tables)
    assert derives == [2, 2]


def test_tables_read_from_reports_are_not_kept(tmp_path, capsys, cache, derives):
    tables = _tables(tmp_path)
    code = cli.main(["check", str(tmp_path / "reports"), "--format", "csv"])
    capsys.readouterr()
    assert code in (0, 1) and tables.is_dir()
    assert not cache.exists() or not list(cache.glob("derived-*"))


def test_only_the_newest_results_are_kept(cache):
    import pandas as pd

    for k in range(derived_cache.KEEP + 2):
        derived_cache.store(f"{k:064d}", {"findings": pd.DataFrame({"rule": [str(k)]})})
    kept = sorted(p.name for p in cache.glob("derived-*"))
    assert len(kept) == derived_cache.KEEP
    assert derived_cache.load(f"{derived_cache.KEEP + 1:064d}")["findings"]["rule"].tolist() == [
        str(derived_cache.KEEP + 1)]


def test_build_copies_the_tables_it_read(tmp_path, monkeypatch):
    tables = _tables(tmp_path)
    copied = []
    real = shutil.copyfile
    monkeypatch.setattr(shutil, "copyfile", lambda a, b: copied.append(Path(a).name) or real(a, b))
    out = tmp_path / "build"
    assert cli.main(["build", str(tables), "--out", str(out), "-q"]) == 0
    assert sorted(copied) == sorted(p.name for p in tables.glob("*.csv"))
    for path in tables.glob("*.csv"):
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name


def test_a_table_the_manifest_does_not_record_is_derived_again(tmp_path, capsys, cache, derives):
    """A table file put back by hand, unrecorded, is read without a check: no kept result."""
    import json

    tables = _tables(tmp_path)
    manifest_path = tables / "evalkit-manifest.json"
    budget = (tables / "budget.csv").read_bytes()
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    del manifest["files"]["budget.csv"]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    (tables / "budget.csv").unlink()
    without = _check(capsys, tables)
    (tables / "budget.csv").write_bytes(budget)
    with_budget = _check(capsys, tables)
    assert with_budget != without and derives == [2, 2]


def test_a_kept_result_others_may_write_is_not_read(tmp_path, capsys, cache, derives, caplog):
    tables = _tables(tmp_path)
    _check(capsys, tables)
    (kept,) = cache.glob("derived-*")
    kept.chmod(0o666)
    with caplog.at_level(logging.WARNING, logger="evalkit.derived_cache"):
        _check(capsys, tables)
    assert derives == [2, 2] and "not this user's own file" in caplog.text


def test_a_cache_out_of_reach_never_fails_a_command(tmp_path, capsys, cache, derives, monkeypatch):
    import os
    import pickle

    tables = _tables(tmp_path)
    first = _check(capsys, tables)

    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(os, "utime", refuse)
    assert _check(capsys, tables) == first  # reused, though its time cannot be set
    monkeypatch.setattr(pickle, "dump", lambda *a, **k: (_ for _ in ()).throw(TypeError("cannot pickle")))
    derived_cache.store("z" * 64, {"findings": None})  # only logged
    assert derives == [2]


def test_an_extra_pack_named_like_a_built_in_one_is_in_the_key(tmp_path, monkeypatch):
    from evalkit import vocab

    manifest = {"files": {"reports.csv": {"sha256": "1", "bytes": 1}}}
    plain = derived_cache.folder_key(manifest)
    pack = tmp_path / "guangdong" / "core"
    pack.mkdir(parents=True)
    (pack / "stages.csv").write_text("word,stage\n", encoding="utf-8")
    built = vocab.packs()[:len(vocab.BUILT_IN)]
    monkeypatch.setattr(vocab, "packs", lambda: (*built, ("core", pack)))
    with_pack = derived_cache.folder_key(manifest)
    (pack / "stages.csv").write_text("word,stage\n年初,年初预算\n", encoding="utf-8")
    assert len({plain, with_pack, derived_cache.folder_key(manifest)}) == 3


def test_a_table_changed_after_reading_is_written_again(tmp_path, monkeypatch, caplog):
    tables = _tables(tmp_path)
    monkeypatch.setattr(incremental, "file_sha256", lambda path: "changed")
    out = tmp_path / "build"
    with caplog.at_level(logging.WARNING, logger="evalkit.export"):
        assert cli.main(["build", str(tables), "--out", str(out), "-q"]) == 0
    assert "writing the table again" in caplog.text
    for path in tables.glob("*.csv"):  # written from the rows read: the same bytes
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name


def _pid_of_store(monkeypatch, tmp_path) -> Path:
    """``store`` replaced by one that writes the id of the process it runs in, then stores."""
    real, where = derived_cache.store, tmp_path / "store-pid"

    def noted(key, result):
        where.write_text(str(os.getpid()))
        real(key, result)

    monkeypatch.setattr(derived_cache, "store", noted)
    return where


@pytest.mark.skipif(not can_fork(), reason="the result is kept beside only where processes fork")
def test_check_keeps_its_result_in_a_process_of_its_own(tmp_path, capsys, cache, derives, monkeypatch):
    tables = _tables(tmp_path)
    where = _pid_of_store(monkeypatch, tmp_path)
    first = _check(capsys, tables)
    # (kept by a forked process, and kept before the command returned)
    assert int(where.read_text()) != os.getpid() and len(list(cache.glob("derived-*"))) == 1
    assert _check(capsys, tables) == first and derives == [2]


@pytest.mark.skipif(not can_fork(), reason="inline, the store would end the tests' own process")
def test_a_process_keeping_the_result_that_dies_fails_nothing(tmp_path, capsys, cache, derives, monkeypatch,
                                                              caplog):
    tables = _tables(tmp_path)
    monkeypatch.setattr(derived_cache, "store", lambda key, result: os._exit(3))
    with caplog.at_level(logging.INFO, logger="evalkit.derived_cache"):
        first = _check(capsys, tables)
    assert first.count("\n") > 1 and not list(cache.glob("derived-*")) and "not kept" in caplog.text


def test_without_a_key_nothing_is_forked(monkeypatch):
    forked = []
    monkeypatch.setattr(side_process.Beside, "__enter__", lambda self: forked.append(self) or self)
    with derived_cache.kept_meanwhile(None, {}):
        pass
    assert forked == []


def test_the_result_is_kept_when_the_block_fails(cache):
    with pytest.raises(BrokenPipeError), derived_cache.kept_meanwhile("k" * 64, {"findings": pd.DataFrame({"a": [1]})}):
        raise BrokenPipeError  # (check | head: the reader went away)
    assert derived_cache.load("k" * 64)["findings"]["a"].tolist() == [1]
