"""countyedu for notebooks.

Two things, both with the engine's own definitions:

* ``open(path)``: a countyedu warehouse (read-only) whose tables come as polars or pandas frames, with every
  column's meaning, unit and values (the warehouse's column comments) at hand;
* ``school_table``, ``balance_cv``, ``urban_rural``, ``growth``: the engine's metrics over frames you already hold.
  They run the SQL the engine generates for itself (``countyedu sql-for --dialect duckdb``, shipped in
  ``countyedu/sql/``) with Python duckdb, so there is one definition of every metric, and no file or warehouse is
  needed.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

import duckdb
import polars as pl
import pyarrow as pa

if TYPE_CHECKING:  # pandas is optional
    import pandas as pd

__all__ = ["Column", "Warehouse", "open", "sql", "school_table", "balance_cv", "urban_rural", "growth"]
__version__ = "0.1.0"

Frame = Union[pl.DataFrame, "pd.DataFrame", pa.Table]

#: The metrics whose SQL the package ships, by the name of the table they compute.
METRICS = ("units", "balance_cv", "urban_rural", "growth")


@dataclass(frozen=True)
class Column:
    """One column of a warehouse table: its DuckDB type and what it means (its comment)."""

    table: str
    name: str
    type: str
    meaning: str


class Warehouse:
    """A countyedu warehouse opened read-only: ``table(name)`` as polars, ``pandas(name)``, ``describe(name)``."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"{self.path}: no warehouse here (countyedu demo or countyedu ingest writes one)")
        self.con = duckdb.connect(str(self.path), read_only=True)

    def tables(self) -> list[str]:
        """The tables of the warehouse: the data (schools, counties, county_indicators) and the stored metrics."""
        rows = self.con.sql("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1").fetchall()
        return [r[0] for r in rows]

    def table(self, name: str, where: str | None = None) -> pl.DataFrame:
        """A table as a polars DataFrame (``where``: an SQL condition on its columns, e.g. ``"year = 2023"``).

        Each column's meaning is in ``describe(name)``; ``year`` keeps the warehouse's INTEGER type.
        """
        self._known(name)
        query = f'SELECT * FROM "{name}"' + (f" WHERE {where}" if where else "")
        return self.con.sql(query).pl()

    def pandas(self, name: str, where: str | None = None) -> "pd.DataFrame":
        """A table as a pandas DataFrame, its column meanings in ``df.attrs["meanings"]``."""
        df = self.table(name, where).to_pandas()
        df.attrs["meanings"] = {c.name: c.meaning for c in self.describe(name)}
        return df

    def describe(self, name: str) -> list[Column]:
        """Every column of a table with its type and meaning (unit and values included), in order."""
        self._known(name)
        rows = self.con.execute(
            "SELECT column_name, data_type, coalesce(comment, '') FROM duckdb_columns() "
            "WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index",
            [name],
        ).fetchall()
        return [Column(name, c, t, m) for c, t, m in rows]

    def sql(self, query: str) -> pl.DataFrame:
        """Any read-only SQL over the warehouse, as a polars DataFrame."""
        return self.con.sql(query).pl()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _known(self, name: str) -> None:
        if name not in self.tables():
            raise KeyError(f"{self.path} has no table {name!r}; its tables: {', '.join(self.tables())}")


def open(path: str | Path) -> Warehouse:  # noqa: A001 - the package's verb, as in ``ce.open``
    """Opens a countyedu warehouse (a ``.duckdb`` file) read-only."""
    return Warehouse(path)


def sql(metric: str, sql_dir: str | Path | None = None) -> str:
    """The engine's DuckDB SQL of ``metric`` (one of ``METRICS``): shipped for the default rules, or read from
    ``sql_dir`` as written by ``countyedu sql-for --dialect duckdb --rules DIR --out-dir SQL_DIR``."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}: one of {', '.join(METRICS)}")
    if sql_dir is not None:
        return (Path(sql_dir) / f"{metric}.sql").read_text(encoding="utf-8")
    return importlib.resources.files("countyedu").joinpath("sql", f"{metric}.sql").read_text(encoding="utf-8")


def _arrow(df: Frame) -> pa.Table:
    if isinstance(df, pa.Table):
        return df
    if isinstance(df, pl.DataFrame):
        return df.to_arrow()
    return pa.Table.from_pandas(df, preserve_index=False)


def _run(metric: str, frames: dict[str, Frame], sql_dir: str | Path | None) -> pl.DataFrame:
    con = duckdb.connect()
    try:
        for name, df in frames.items():
            con.register(name, _arrow(df))
        try:
            return con.sql(sql(metric, sql_dir)).pl()
        except duckdb.BinderException as e:
            raise ValueError(
                f"{metric}: the frames lack a column the engine reads ({e}); the canonical columns are in datasets/README.md"
            ) from e
    finally:
        con.close()


def school_table(schools: Frame, sql_dir: str | Path | None = None) -> pl.DataFrame:
    """One row per school and level taught (the engine's level units): the level's pupils and teachers, a combined
    school's whole-school resources split by weighted enrolment, and whether the unit is in each standard's scope."""
    return _run("units", {"schools": schools}, sql_dir)


def balance_cv(schools: Frame, sql_dir: str | Path | None = None) -> pl.DataFrame:
    """The inter-school coefficients of variation (差异系数) of every county, year, level, standard and indicator of
    ``schools``, with their limits and verdicts: the rows ``countyedu balance`` stores in ``balance_cv``."""
    return _run("balance_cv", {"schools": schools}, sql_dir)


def urban_rural(schools: Frame, sql_dir: str | Path | None = None) -> pl.DataFrame:
    """The 城区 / 镇区 / 乡村 group means of each indicator, their ratios and gap: the rows of ``urban_rural``."""
    return _run("urban_rural", {"schools": schools}, sql_dir)


def growth(county_indicators: Frame, counties: Frame, sql_dir: str | Path | None = None) -> pl.DataFrame:
    """Year-on-year change of the reported county series, ranked within prefecture and province (1 = the largest
    increase): the rows ``countyedu growth`` stores in ``growth`` for the reported indicators."""
    return _run("growth", {"county_indicators": county_indicators, "counties": counties}, sql_dir)

