"""Small reports for the tests of the dataset, incremental runs and the Dask run, with the
figures they state (hand-worked: what a reader of the text writes down)."""

from __future__ import annotations

from pathlib import Path

#: name → (title, year or None, 参保 in 万人, 年初预算 and 决算 in 万元)
REPORTS = {
    "a": ("甲县医疗保障局2022年度部门整体支出绩效自评报告", 2022, "43.01", "1200", "1150.5"),
    "b": ("乙县医疗保障局2023年度部门整体支出绩效自评报告", 2023, "12.5", "300", "280.25"),
    "c": ("丙县医疗保障局部门整体支出绩效自评报告", None, "2", "80", "79.5"),
    "d": ("丁县医疗保障局2022年度部门整体支出绩效自评报告", 2022, "5.5", "60", "58"),
}


def report_text(title: str, year: int | None, persons_wan: str, initial: str, final: str) -> str:
    when = f"{year}年" if year else ""
    return (f"{title}\n一、部门基本情况\n全县基本医疗保险参保{persons_wan}万人。\n二、预算执行情况\n"
            f"{when}年初预算支出合计{initial}万元，决算支出合计{final}万元。\n")


def write_report(folder: Path, name: str, persons_wan: str | None = None, title: str | None = None) -> Path:
    """Write report ``name`` of :data:`REPORTS` (optionally with another head count or title)."""
    t, year, persons, initial, final = REPORTS[name]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.txt"
    path.write_text(report_text(title or t, year, persons_wan or persons, initial, final), encoding="utf-8")
    return path


def write_reports(folder: Path, names=("a", "b", "c")) -> Path:
    for name in names:
        write_report(folder, name)
    return folder
