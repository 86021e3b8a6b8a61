"""The one schema (evalkit.schema): columns from package data, dtypes from the field dictionary,
one typing function, a misspelt field refused, the analysis independent of the reader."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from evalkit import fields, schema
from evalkit.extract.tables import BUDGET_COLUMNS

SRC = Path(schema.__file__).parent


def test_every_column_of_every_table_has_a_chinese_label_and_a_known_kind():
    for name, columns in schema.SCHEMAS.items():
        assert columns[0] == "report_id", name
        for column in columns:
            assert fields.field_label(column) != column, (name, column)  # a label, not the name
            assert fields.field_kind(column) is not None, (name, column)


def test_the_readers_columns_are_the_schemas():
    assert BUDGET_COLUMNS == schema.SCHEMAS["budget"]
    assert schema.TABLE_NAMES[:5] == ("reports", "indicators", "budget", "enrollment", "funds")
    assert schema.dtypes("budget")["amount_wan"] == "Float64" and schema.dtypes("staff")["persons"] == "Int64"


def test_a_misspelt_field_is_an_error_naming_table_and_field():
    with pytest.raises(schema.SchemaError, match=r"table budget has no column 'amount_wann'"):
        schema.typed_frame("budget", [{"report_id": "r", "amount_wann": 5.0}])



def test_a_misspelt_field_in_a_row_of_every_column_count_is_an_error():
    """A row with a field of no column in place of one of its columns has as many fields as the
    table has columns: the error is the same."""
    full = dict.fromkeys(schema.SCHEMAS["budget"], None)
    wrong = dict(full, amount_wann=5.0)
    del wrong["amount_wan"]
    with pytest.raises(schema.SchemaError, match=r"table budget has no column 'amount_wann'"):
        schema.columns_of("budget", [full, wrong])
    assert schema.columns_of("budget", [full, dict(full, amount_wan=5.0)])["amount_wan"] == [None, 5.0]

def test_typed_frame_and_conform_agree():
    rows = [{"report_id": "r", "scope": "部门整体", "stage": "决算", "item": "支出合计", "amount_wan": 1134.78,
             "source": "r:45"}]
    typed = schema.typed_frame("budget", rows)
    conformed = schema.conform(pd.DataFrame(rows), "budget")[schema.SCHEMAS["budget"]]
    pd.testing.assert_frame_equal(typed, conformed)


def test_the_analysis_imports_the_schema_never_the_reader():
    for path in sorted((SRC / "analysis").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module.split(".")[-1] if node.level else node.module
                    for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
        reader = {m for m in imported
                  if m.removeprefix("evalkit.").split(".")[0] in ("report", "extract", "readers", "document")}
        assert not reader, f"{path.name} imports {reader}"
