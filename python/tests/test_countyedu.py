"""The package against the engine: its metrics over the warehouse's own schools equal the rows the engine stored
(to 1e-12), and a warehouse's tables come with their meanings. COUNTYEDU_DB names a warehouse written by
`countyedu demo` (tests/python.rs sets it)."""

import math
import os

import polars as pl
import pytest

import countyedu as ce

DB = os.environ.get("COUNTYEDU_DB")
pytestmark = pytest.mark.skipif(not DB, reason="COUNTYEDU_DB names a countyedu demo warehouse")


@pytest.fixture(scope="module")
def wh():
    with ce.open(DB) as w:
        yield w


def close(a, b, tol=1e-12):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= tol * max(1.0, abs(a), abs(b))
    return a == b


def same_rows(ours: pl.DataFrame, theirs: pl.DataFrame, key: list[str], columns: list[str]):
    assert ours.height == theirs.height > 0, (ours.height, theirs.height)
    joined = ours.join(theirs, on=key, how="inner", suffix="_engine")
    assert joined.height == ours.height, "every row has its engine twin"
    for c in columns:
        for a, b in zip(joined[c].to_list(), joined[f"{c}_engine"].to_list()):
            assert close(a, b), (c, a, b)


def test_balance_cv_equals_the_engines_stored_rows(wh):
    schools = wh.table("schools")
    ours = ce.balance_cv(schools)
    stored = wh.table("balance_cv")
    assert set(ours["rules_hash"].unique()) == set(stored["rules_hash"].unique())
    key = ["year", "county_code", "level", "standard", "indicator"]
    same_rows(ours, stored, key, ["n_schools", "n_missing", "students", "mean", "sd", "cv", "min", "max", "threshold", "met"])


def test_a_frame_of_ten_schools_in_pandas_gives_the_same_cvs_as_in_polars(wh):
    ten = wh.table("schools", "year = 2023").head(10)
    a = ce.balance_cv(ten).sort(["county_code", "level", "standard", "indicator"])
    b = ce.balance_cv(ten.to_pandas()).sort(["county_code", "level", "standard", "indicator"])
    assert a.height > 0 and a["cv"].to_list() == b["cv"].to_list()


def test_urban_rural_and_growth_equal_the_engines(wh):
    schools = wh.table("schools")
    ours = ce.urban_rural(schools)
    stored = wh.table("urban_rural")
    key = [c for c in ["year", "county_code", "level", "standard", "indicator", "grouping"] if c in ours.columns]
    numeric = [c for c, t in ours.schema.items() if t.is_numeric() and c not in key and c in stored.columns]
    same_rows(ours, stored.select(ours.columns), key, numeric)
    g = ce.growth(wh.table("county_indicators"), wh.table("counties"))
    sg = wh.table("growth").filter(pl.col("indicator").is_in(g["indicator"].unique().to_list()))
    same_rows(g, sg.select(g.columns), ["year", "county_code", "indicator"], ["value", "previous_value", "change", "pct_change", "rank_in_prefecture", "rank_in_province"])


def test_school_table_has_one_row_per_school_and_level(wh):
    schools = wh.table("schools", "year = 2023")
    units = ce.school_table(schools)
    assert units.height >= schools.height
    assert units.select(["school_id", "level"]).is_duplicated().sum() == 0


def test_tables_explain_their_columns(wh):
    cols = {c.name: c for c in wh.describe("balance_cv")}
    assert "差异系数" in cols["cv"].meaning
    assert all(c.meaning for c in cols.values())
    df = wh.pandas("balance_cv", "year = 2023")
    assert "差异系数" in df.attrs["meanings"]["cv"]


def test_a_frame_without_a_needed_column_says_which():
    with pytest.raises(ValueError, match="canonical columns"):
        ce.balance_cv(pl.DataFrame({"year": [2023], "county_code": ["140121"]}))
