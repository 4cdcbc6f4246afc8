"""What storing alone costs DuckDB itself (bench/balance.sh): the four tables `countyedu balance` stores, read from
a warehouse into Arrow, then inserted into a new DuckDB file by Python duckdb in one transaction, under the memory
limit countyedu stores with (256 MB). Times the INSERTs and the COMMIT only, RUNS times; prints the median seconds
and the rows inserted.

    python3 bench/storing_floor.py WAREHOUSE SCRATCH_DIR RUNS
"""
import os
import statistics
import sys
import time

import duckdb

TABLES = ("balance_cv", "balance_verdicts", "balance_schools", "school_checks")

warehouse, scratch, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
source = duckdb.connect(warehouse, read_only=True)
source.execute("SET enable_progress_bar = false")
tables = {t: source.sql(f"SELECT * FROM {t}").to_arrow_table() for t in TABLES}
times = []
for i in range(runs):
    path = os.path.join(scratch, f"floor{i}.duckdb")
    con = duckdb.connect(path)
    con.execute("SET enable_progress_bar = false")
    con.execute("SET memory_limit = '256MB'")
    for name, rows in tables.items():
        con.register("rows", rows)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM rows LIMIT 0")
    start = time.perf_counter()
    con.execute("BEGIN")
    for name, rows in tables.items():
        con.register("rows", rows)
        con.execute(f"INSERT INTO {name} SELECT * FROM rows")
    con.execute("COMMIT")
    times.append(time.perf_counter() - start)
    con.close()
    for leftover in (path, path + ".wal"):
        if os.path.exists(leftover):
            os.remove(leftover)
print(f"{statistics.median(times):.2f} {sum(t.num_rows for t in tables.values())}")
