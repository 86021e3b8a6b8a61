"""Tests of the evalkit command: exit codes, messages and outputs.

Most tests stand in for the reader, the analysis and the plotting module with small fakes
(monkeypatched), so that the command's own behaviour is tested whatever state those modules
are in. The tests at the end run the real reader on report texts written into tmp_path and
skip, saying why, while ``evalkit.read_reports`` cannot be imported.
"""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import evalkit
from evalkit import cli
from evalkit.export import read_tables, write_tables
from evalkit.workpaper import COVER_SHEET, SHEET_NAMES, TIME_LABEL

# --------------------------------------------------------------------------- fakes


def _str(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].astype("str")
    return frame


def fake_tables(report_ids: list[str]) -> dict[str, pd.DataFrame]:
    """Tables in the contract's shape with two indicator rows per report."""
    ids = list(report_ids)
    reports = _str(
        pd.DataFrame(
            {
                "report_id": ids,
                "department": ["西湖区医疗保障局"] * len(ids),
                "fiscal_year": pd.array([2022] * len(ids), dtype="Int64"),
                "source_file": [f"{r}.txt" for r in ids],
                "sha256": ["0" * 64] * len(ids),
            }
        )
    )
    indicators = _str(
        pd.DataFrame(
            {
                "report_id": [r for r in ids for _ in range(2)],
                "level3": ["专项稽核次数", "目标完成率"] * len(ids),
                "target_raw": ["=3次", "=100%"] * len(ids),
                "actual_raw": ["3次", "100%"] * len(ids),
                "source": [f"{r}:{line}" for r in ids for line in (10, 15)],
            }
        )
    )
    budget = _str(
        pd.DataFrame(
            {
                "report_id": ids,
                "stage": ["年初预算"] * len(ids),
                "item": ["支出合计"] * len(ids),
                "amount_wan": pd.array([607.94] * len(ids), dtype="Float64"),
                "source": [f"{r}:3" for r in ids],
            }
        )
    )
    residue = _str(
        pd.DataFrame(
            {
                "report_id": ids,
                "line": pd.array([20] * len(ids), dtype="Int64"),
                "text": ["其他 12 项"] * len(ids),
                "reason": ["未归位"] * len(ids),
            }
        )
    )
    coverage = _str(
        pd.DataFrame(
            {
                "report_id": ids,
                "table_numbers": pd.array([4] * len(ids), dtype="Int64"),
                "table_placed": pd.array([3] * len(ids), dtype="Int64"),
                "text_numbers": pd.array([2] * len(ids), dtype="Int64"),
                "text_placed_or_ignored": pd.array([2] * len(ids), dtype="Int64"),
            }
        )
    )
    return {
        "reports": reports,
        "indicators": indicators,
        "budget": budget,
        "residue": residue,
        "coverage": coverage,
    }


class FakeCorpus:
    def __init__(self, tables, failures):
        self._tables = tables
        for name, frame in tables.items():
            setattr(self, name, frame)
        self.failures = failures

    def tables(self):
        return dict(self._tables)


def fake_read_reports(paths, *, workers=None, progress=False):
    """Read every .txt under paths; a file holding NUL bytes fails."""
    fake_read_reports.calls.append({"paths": list(paths), "workers": workers, "progress": progress})
    files = []
    for path in map(Path, paths):
        files += sorted(path.rglob("*.txt")) if path.is_dir() else [path]
    good, failed = [], []
    for k, path in enumerate(files, start=1):
        if progress:
            progress(k, len(files))
        if b"\x00" in path.read_bytes():
            failed.append((str(path), "不是文本文件（含二进制内容）"))
        else:
            good.append(path.stem)
    failures = pd.DataFrame(failed, columns=["path", "reason"], dtype="str")
    return FakeCorpus(fake_tables(good), failures)


fake_read_reports.calls = []


def fake_derive(tables):
    ids = tables["reports"]["report_id"].tolist()
    findings = _str(
        pd.DataFrame(
            {
                "report_id": ids[:1],
                "rule": ["sum-of-parts"] * len(ids[:1]),
                "severity": ["error"] * len(ids[:1]),
                "message": ["支出合计与各项之和不符"] * len(ids[:1]),
                "expected": pd.array([600.0] * len(ids[:1]), dtype="Float64"),
                "observed": pd.array([607.94] * len(ids[:1]), dtype="Float64"),
                "difference": pd.array([7.94] * len(ids[:1]), dtype="Float64"),
                "sources": [f"{r}:3;{r}:10" for r in ids[:1]],
            }
        )
    )
    execution = _str(pd.DataFrame({"report_id": ids, "rate_initial": [97.5] * len(ids)}))
    achievement = _str(pd.DataFrame({"report_id": ids, "achieved": ["是"] * len(ids)}))
    return {"execution": execution, "achievement": achievement, "findings": findings}


def fake_build_charts(tables, derived, out_dir, **options):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for suffix in ("png", "svg"):
        path = out_dir / f"execution.{suffix}"
        path.write_bytes(b"chart")
        paths.append(path)
    return paths


@pytest.fixture
def fakes(monkeypatch):
    """Fake reader, analysis and plotting."""
    fake_read_reports.calls = []
    monkeypatch.setattr(evalkit, "read_reports", fake_read_reports, raising=False)
    monkeypatch.setitem(sys.modules, "evalkit.analysis", types.SimpleNamespace(derive=fake_derive))
    monkeypatch.setitem(sys.modules, "evalkit.analysis.render", None)  # (the fake analysis has no renderer)
    monkeypatch.setitem(
        sys.modules, "evalkit.plotting", types.SimpleNamespace(build_charts=fake_build_charts)
    )
    return fake_read_reports


def write_reports(folder: Path, names=("r1", "r2"), junk: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(names):  # different texts: the reader skips duplicates
        text = REPORT_TEXT.replace("223570", str(223570 + i))
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    if junk:
        (folder / junk).write_bytes(bytes(range(256)) * 8)
    return folder


def run(capsys, *argv):
    code = cli.main(list(map(str, argv)))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- usage


def test_help_has_examples(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "示例" in out and "evalkit build data --out build" in out
    for sub in ("extract", "check", "build"):
        code, out, _ = run(capsys, sub, "--help")
        assert code == 0 and "示例" in out, sub


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["extract"],
        ["extract", "x.txt"],  # --out missing
        ["check", "data", "--format", "xml"],
        ["build", "data"],
        ["extract", "x.txt", "--out", "o", "--workers", "0"],
    ],
)
def test_wrong_arguments_exit_2(capsys, argv):
    code, _out, err = run(capsys, *argv)
    assert code == 2
    assert err.strip(), "a usage error explains itself on stderr"


def test_missing_path_is_a_usage_error(capsys, tmp_path, fakes):
    code, _, err = run(capsys, "extract", tmp_path / "nope", "--out", tmp_path / "o")
    assert code == 2
    assert "找不到文件或文件夹" in err and "nope" in err
    assert not (tmp_path / "o").exists()


def test_folder_without_reports_is_a_usage_error(capsys, tmp_path, fakes):
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "extract", tmp_path / "empty", "--out", tmp_path / "o")
    assert code == 2
    assert "没有找到报告" in err


def test_extract_on_a_tables_folder_says_what_to_use(capsys, tmp_path, fakes):
    write_tables(fake_tables(["r1"]), tmp_path / "tables")
    code, _, err = run(capsys, "extract", tmp_path / "tables", "--out", tmp_path / "o")
    assert code == 2
    assert "没有找到报告" in err and "evalkit check" in err


def test_tables_folder_cannot_be_mixed_with_reports(capsys, tmp_path, fakes):
    write_tables(fake_tables(["r1"]), tmp_path / "tables")
    reports = write_reports(tmp_path / "reports")
    code, _, err = run(capsys, "check", tmp_path / "tables", reports)
    assert code == 2
    assert "表格文件夹" in err


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("evalkit ")


# --------------------------------------------------------------------------- extract


def test_extract_good_folder(capsys, tmp_path, fakes):
    reports = write_reports(tmp_path / "reports")
    code, out, err = run(capsys, "extract", reports, "--out", tmp_path / "out", "--check")
    assert code == 0, err
    assert "已读取报告：2 份；无法读取：0 份" in out
    assert "indicators" in out and "绩效指标" in out
    assert "未归位内容（residue）：2 条" in out
    assert "检查发现（findings）：1 条" in out
    assert "各报告提取覆盖率" in out and "3/4 (75.0%)" in out and "2/2 (100.0%)" in out
    assert "无法读取报告" not in err
    tables = read_tables(tmp_path / "out")
    assert tables["reports"]["report_id"].tolist() == ["r1", "r2"]
    assert tables["indicators"]["target_raw"].tolist()[:2] == ["=3次", "=100%"]
    assert (tmp_path / "out" / "reports.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_extract_folder_with_a_bad_file(capsys, tmp_path, fakes):
    reports = write_reports(tmp_path / "reports", junk="junk.txt")
    code, out, err = run(capsys, "extract", reports, "--out", tmp_path / "out")
    assert code == 1
    assert "已读取报告：2 份；无法读取：1 份" in out
    assert "无法读取报告" in err and "junk.txt" in err and "二进制" in err
    assert (tmp_path / "out" / "reports.csv").is_file(), "the good reports are still written"


def test_extract_passes_files_and_workers(capsys, tmp_path, fakes):
    reports = write_reports(tmp_path / "reports")
    code, _, _ = run(
        capsys,
        "extract",
        reports / "r1.txt",
        reports / "r2.txt",
        "--out",
        tmp_path / "o",
        "--workers",
        "3",
    )
    assert code == 0
    (call,) = fakes.calls
    assert call["paths"] == [reports / "r1.txt", reports / "r2.txt"]
    assert call["workers"] == 3
    assert isinstance(call["progress"], cli.Progress)


def test_no_progress_for_few_reports(capsys, tmp_path, fakes):
    reports = write_reports(tmp_path / "reports")
    _, _, err = run(capsys, "extract", reports, "--out", tmp_path / "o")
    assert "读取报告" not in err


def test_progress_for_many_reports(capsys, tmp_path, fakes):
    reports = write_reports(tmp_path / "reports", names=[f"r{i:02d}" for i in range(25)])
    code, _, err = run(capsys, "extract", reports, "--out", tmp_path / "o")
    assert code == 0
    assert "读取报告 25/25（100%）" in err
    assert len(err.splitlines()) == 10, (
        "a line per tenth, not per report when stderr is not a terminal"
    )
    code, _, err = run(capsys, "extract", reports, "--out", tmp_path / "o", "--quiet")
    assert code == 0
    assert fakes.calls[-1]["progress"] is None
    assert "读取报告" not in err


def test_progress_on_a_terminal_updates_one_line():
    import io

    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    progress = cli.Progress(stream)
    for k in range(1, 31):
        progress(k, 30)
    text = stream.getvalue()
    assert text.count("\r") == 30 and text.endswith("读取报告 30/30（100%）\n")


def test_extract_counts_findings_only_with_check(capsys, tmp_path, fakes, monkeypatch):
    def no_derive(tables):
        raise AssertionError("extract ran the checks without --check")
    monkeypatch.setitem(sys.modules, "evalkit.analysis", types.SimpleNamespace(derive=no_derive))
    reports = write_reports(tmp_path / "reports")
    code, out, err = run(capsys, "extract", reports, "--out", tmp_path / "out")
    assert code == 0, err
    assert "检查发现（findings）：未计算（加 --check 计算）" in out


def test_extract_without_analysis_still_writes_tables(capsys, tmp_path, fakes, monkeypatch):
    monkeypatch.setitem(sys.modules, "evalkit.analysis", None)  # import fails
    reports = write_reports(tmp_path / "reports")
    code, out, _ = run(capsys, "extract", reports, "--out", tmp_path / "out", "--check")
    assert code == 0
    assert "检查发现（findings）：未计算，evalkit.analysis 不可用" in out
    assert (tmp_path / "out" / "indicators.csv").is_file()


# --------------------------------------------------------------------------- check


@pytest.fixture
def tables_dir(tmp_path):
    write_tables(fake_tables(["r1", "r2"]), tmp_path / "data")
    return tmp_path / "data"


def test_check_tables_folder_as_table(capsys, tables_dir, fakes):
    code, out, _ = run(capsys, "check", tables_dir)
    assert code == 0
    assert fakes.calls == [], "a folder with reports.csv is read as tables"
    assert "规则代码" in out and "sum-of-parts" in out and "支出合计与各项之和不符" in out
    assert "7.94" in out and "r1:3;r1:10" in out
    assert "共 1 条检查发现" in out


def test_check_csv_and_json(capsys, tables_dir, fakes):
    code, out, _ = run(capsys, "check", tables_dir, "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "report_id,rule,severity,message,expected,observed,difference,sources"
    assert lines[1].startswith("r1,sum-of-parts,error,")
    code, out, _ = run(capsys, "check", tables_dir, "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert records[0]["rule"] == "sum-of-parts"
    assert records[0]["difference"] == pytest.approx(7.94)


def test_check_reports_with_a_bad_file(capsys, tmp_path, fakes):
    reports = write_reports(tmp_path / "reports", junk="junk.txt")
    code, out, err = run(capsys, "check", reports, "--format", "json")
    assert code == 1
    assert json.loads(out)[0]["report_id"] == "r1", "stdout stays valid JSON"
    assert "junk.txt" in err


def test_check_without_findings(capsys, tables_dir, fakes, monkeypatch):
    def no_findings(tables):
        return {"findings": fake_derive(tables)["findings"].iloc[0:0]}

    monkeypatch.setitem(sys.modules, "evalkit.analysis", types.SimpleNamespace(derive=no_findings))
    code, out, _ = run(capsys, "check", tables_dir)
    assert code == 0
    assert "未发现问题" in out


def test_check_without_analysis_fails(capsys, tables_dir, fakes, monkeypatch):
    monkeypatch.setitem(sys.modules, "evalkit.analysis", None)
    code, _, err = run(capsys, "check", tables_dir)
    assert code == 1
    assert "无法检查" in err


# --------------------------------------------------------------------------- build


def test_build_from_tables_folder(capsys, tmp_path, tables_dir, fakes):
    out_dir = tmp_path / "build"
    code, out, err = run(capsys, "build", tables_dir, "--out", out_dir)
    assert code == 0, err
    assert f"工作底稿：{out_dir / 'workpaper.xlsx'}" in out
    assert f"图表：{out_dir / 'charts'}（2 个文件）" in out
    assert (out_dir / "charts" / "execution.svg").is_file()
    assert (out_dir / "reports.csv").is_file()
    wb = openpyxl.load_workbook(out_dir / "workpaper.xlsx")
    assert SHEET_NAMES["findings"] in wb.sheetnames
    assert SHEET_NAMES["indicators"] in wb.sheetnames
    cover = {r[0].value: r[1].value for r in wb[COVER_SHEET].iter_rows(max_col=2)}
    assert cover["复现命令"] == f"evalkit build {tables_dir} --out {out_dir}"
    ws = wb[SHEET_NAMES["indicators"]]
    assert ws["C2"].value == "=3次" and ws["C2"].data_type == "s"


def test_build_without_plotting_says_charts_were_skipped(
    capsys, tmp_path, tables_dir, fakes, monkeypatch
):
    monkeypatch.setitem(sys.modules, "evalkit.plotting", None)
    out_dir = tmp_path / "build"
    code, out, _ = run(capsys, "build", tables_dir, "--out", out_dir)
    assert code == 0
    assert "图表已跳过" in out
    assert (out_dir / "workpaper.xlsx").is_file()


def test_build_when_charts_fail(capsys, tmp_path, tables_dir, fakes, monkeypatch):
    def broken(tables, derived, out_dir, **options):
        raise RuntimeError("字体缺失")

    monkeypatch.setitem(sys.modules, "evalkit.plotting", types.SimpleNamespace(build_charts=broken))
    code, out, _ = run(capsys, "build", tables_dir, "--out", tmp_path / "build")
    assert code == 1
    assert "图表未能生成：字体缺失" in out
    assert (tmp_path / "build" / "workpaper.xlsx").is_file()


def test_build_folder_with_a_bad_file(capsys, tmp_path, fakes):
    reports = write_reports(tmp_path / "reports", junk="junk.txt")
    out_dir = tmp_path / "build"
    code, _out, err = run(capsys, "build", reports, "--out", out_dir)
    assert code == 1
    assert "junk.txt" in err
    values = [
        c.value
        for row in openpyxl.load_workbook(out_dir / "workpaper.xlsx")[COVER_SHEET].iter_rows()
        for c in row
    ]
    assert any(isinstance(v, str) and v.endswith("junk.txt") for v in values)


def _cells(path):
    wb = openpyxl.load_workbook(path)
    cells = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            label = row[0].value
            for c in row:
                if ws.title == COVER_SHEET and label == TIME_LABEL and c.column == 2:
                    continue
                cells[(ws.title, c.coordinate)] = (c.value, c.data_type, c.number_format)
    return cells


def test_two_builds_give_the_same_cells(capsys, tmp_path, tables_dir, fakes):
    out_dir = tmp_path / "build"
    assert run(capsys, "build", tables_dir, "--out", out_dir)[0] == 0
    first = out_dir / "first.xlsx"
    (out_dir / "workpaper.xlsx").rename(first)
    assert run(capsys, "build", tables_dir, "--out", out_dir)[0] == 0
    assert _cells(first) == _cells(out_dir / "workpaper.xlsx")


def test_logging_is_configured_only_by_main():
    import ast

    root = Path(cli.__file__).parent
    for module in ("export.py", "workpaper.py"):
        tree = ast.parse((root / module).read_text(encoding="utf-8"))
        calls = [
            node.func.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        ]
        assert "basicConfig" not in calls, module
        assert not any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"
            for n in ast.walk(tree)
        ), f"{module} prints"


# --------------------------------------------------------------------------- the real reader

REPORT_TEXT = """\
南昌市测试区医疗保障局
整体支出绩效自评报告
（2022年度）

一、部门概况
截至2022年末，全区基本医疗保险参保223570人。

2022年部门整体支出绩效目标表

\t一级指标
\t二级指标
\t三级指标
\t年度指标值
\t实际完成值

\t产出指标
\t数量指标
\t组织专项稽核次数
\t=3次
\t3次

\t
\t质量指标
\t目标任务完成率
\t=100%
\t100%

\t效益指标
\t社会效益指标
\t群众满意度
\t≥90%
\t95%
"""


def _real_reader():
    try:
        from evalkit import read_reports
    except ImportError as exc:
        pytest.skip(f"evalkit.read_reports is not importable yet ({exc})")
    return read_reports


def test_real_reader_good_folder(capsys, tmp_path):
    _real_reader()
    reports = write_reports(tmp_path / "reports")
    code, out, err = run(capsys, "extract", reports, "--out", tmp_path / "out", "--check")
    assert code == 0, err
    assert "已读取报告：2 份；无法读取：0 份" in out
    tables = read_tables(tmp_path / "out")
    assert sorted(tables["reports"]["report_id"]) == ["r1", "r2"]
    assert {"reports", "indicators", "budget", "enrollment", "funds", "residue"} <= set(tables)


def test_real_reader_folder_with_one_bad_file(capsys, tmp_path):
    _real_reader()
    reports = write_reports(tmp_path / "reports", junk="junk.txt")
    code, out, err = run(capsys, "extract", reports, "--out", tmp_path / "out")
    assert code == 1, (out, err)
    assert "junk.txt" in err and "无法读取报告" in err
    assert "已读取报告：2 份；无法读取：1 份" in out


def test_real_reader_build_keeps_targets_as_text(capsys, tmp_path):
    _real_reader()
    reports = write_reports(tmp_path / "reports", names=("r1",))
    out_dir = tmp_path / "build"
    code, out, err = run(capsys, "build", reports, "--out", out_dir)
    assert code == 0, err
    assert f"工作底稿：{out_dir / 'workpaper.xlsx'}" in out
    wb = openpyxl.load_workbook(out_dir / "workpaper.xlsx")
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    indicators = read_tables(out_dir)["indicators"]
    for target in ("=3次", "=100%"):
        assert target in set(indicators["target_raw"].dropna())  # the fixture report has both
        assert target in texts


# --------------------------------------------------------------------------- messages (issue 15)


def test_quiet_prints_nothing_on_success(capsys, tmp_path, fakes):
    reports = write_reports(tmp_path / "reports")
    code, out, err = run(capsys, "extract", reports, "--out", tmp_path / "o", "-q")
    assert code == 0
    assert out == "" and err == ""
    assert (tmp_path / "o" / "reports.csv").is_file()
    code, out, err = run(capsys, "build", tmp_path / "o", "--out", tmp_path / "b", "-q")
    assert (code, out, err) == (0, "", "")


def test_quiet_still_names_what_failed(capsys, tmp_path, fakes):
    reports = write_reports(tmp_path / "reports", junk="bad.txt")
    code, out, err = run(capsys, "extract", reports, "--out", tmp_path / "o", "-q")
    assert code == 1 and out == ""
    assert "bad.txt" in err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["extract"], ["用法：", "错误：缺少必需的参数"]),
        (["check", "data", "--format", "xml"], ["错误：参数 --format：无效的选择"]),
        (["extract", "a.txt", "--out", "o", "--nope"], ["无法识别的参数：--nope"]),
        (["extract", "a.txt", "--out"], ["参数 --out：需要一个值"]),
    ],
)
def test_argparse_messages_are_in_chinese(capsys, argv, words):
    code, _out, err = run(capsys, *argv)
    assert code == 2
    for w in words:
        assert w in err, err
    assert "usage:" not in err and "error:" not in err and "required" not in err


def test_help_headings_are_in_chinese(capsys):
    for argv in (["--help"], ["extract", "--help"]):
        code, out, _ = run(capsys, *argv)
        assert code == 0
        assert out.startswith("用法：")
        assert "选项" in out and "显示本帮助并退出" in out
        assert "show this help" not in out and "options:" not in out


def test_tables_folder_without_reports_csv_is_refused_before_reading(capsys, tmp_path, fakes):
    write_tables(fake_tables(["r1"]), tmp_path / "tables")
    (tmp_path / "tables" / "reports.csv").unlink()
    for command in (["check"], ["build", "--out", tmp_path / "b"], ["extract", "--out", tmp_path / "e"]):
        code, _, err = run(capsys, command[0], tmp_path / "tables", *command[1:])
        assert code == 2, command
        assert "缺少 reports.csv" in err and "evalkit extract" in err
    assert fakes.calls == []


def test_manifest_with_unknown_columns_is_refused_before_reading(capsys, tmp_path, fakes):
    reports = write_reports(tmp_path / "reports")
    manifest = tmp_path / "m.csv"
    manifest.write_text("report_id,department,dept_code\nr1,临湘市医疗保障局,0730\n", encoding="utf-8")
    code, _, err = run(capsys, "extract", reports, "--out", tmp_path / "o", "--manifest", manifest)
    assert code == 2
    assert "不认识的列：dept_code" in err
    assert fakes.calls == [] and not (tmp_path / "o").exists()


def test_manifest_rows_matching_no_report_are_refused_before_reading(capsys, tmp_path, fakes):
    reports = write_reports(tmp_path / "reports")
    manifest = tmp_path / "m.csv"
    manifest.write_text("report_id,department\nr1,甲\nr9,乙\n", encoding="utf-8")
    code, _, err = run(capsys, "extract", reports, "--out", tmp_path / "o", "--manifest", manifest)
    assert code == 2
    assert "1 行对应不到" in err and "r9" in err and "r1" not in err.split("：", 2)[-1].split("；")[0]
    assert fakes.calls == []


def test_manifest_rows_may_match_by_sha256(tmp_path):
    import hashlib

    reports = write_reports(tmp_path / "reports")
    sha = hashlib.sha256((reports / "r2.txt").read_bytes()).hexdigest()
    manifest = tmp_path / "m.csv"
    manifest.write_text(f"sha256,department\n{sha},甲\n", encoding="utf-8")
    cli._check_manifest(manifest, [reports])  # no error
    manifest.write_text(f"sha256,department\n{'0' * 64},甲\n", encoding="utf-8")
    with pytest.raises(cli.UsageError, match="对应不到"):
        cli._check_manifest(manifest, [reports])


def test_every_skipped_file_is_named_with_its_reason(capsys, tmp_path, fakes, monkeypatch):
    reports = write_reports(tmp_path / "reports")

    def reader(paths, **kwargs):
        corpus = fake_read_reports(paths, **{k: v for k, v in kwargs.items() if k in ("workers", "progress")})
        corpus.skipped = pd.DataFrame({
            "path": ["reports/a.png", "reports/说明.txt"],
            "reason": ["reports/a.png: 不是支持的报告格式（.png），已跳过", "报告用语太少，不像是报告"]}, dtype="str")
        return corpus

    monkeypatch.setattr(evalkit, "read_reports", reader, raising=False)
    code, out, err = run(capsys, "extract", reports, "--out", tmp_path / "o")
    assert code == 0
    assert "跳过非报告文件：2 个" in out
    assert "已跳过 reports/a.png: 不是支持的报告格式（.png），已跳过" in err
    assert "已跳过 reports/说明.txt：报告用语太少，不像是报告" in err


def test_a_large_batch_gets_a_coverage_distribution(capsys, tmp_path, fakes):
    names = [f"r{i:03d}" for i in range(cli.LARGE_BATCH + 10)]
    reports = write_reports(tmp_path / "reports", names=names)
    code, out, _ = run(capsys, "extract", reports, "--out", tmp_path / "o")
    assert code == 0
    assert f"{len(names)} 份报告，中位数" in out
    assert "覆盖率最低的 10 份报告" in out
    listed = [line for line in out.splitlines() if line.strip().startswith("r0")]
    assert len(listed) == 10
    assert str(tmp_path / "o" / "coverage.csv") in out
    small = write_reports(tmp_path / "few", names=names[:3])
    code, out, _ = run(capsys, "extract", small, "--out", tmp_path / "o2")
    assert "覆盖率最低" not in out
    assert len([line for line in out.splitlines() if line.strip().startswith("r0")]) == 3


def test_build_max_units_is_a_positive_number_or_all():
    from evalkit.cli import _max_units, build_parser

    assert _max_units("5") == 5 and _max_units("all") is None and _max_units("0") is None
    args = build_parser().parse_args(["build", "data", "--out", "x"])
    assert args.max_units == 20  # the charts' default
    with pytest.raises(SystemExit):
        build_parser().parse_args(["build", "data", "--out", "x", "--max-units", "-3"])
