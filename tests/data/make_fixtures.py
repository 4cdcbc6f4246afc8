"""Writes the fixtures of tests/data/files/: workbooks and Parquet files as other programs write them.

The files are committed; this script says how each was made, so that they can be made again:

    pip install openpyxl xlsxwriter polars pyarrow duckdb==2.0.0
    python3 tests/data/make_fixtures.py

Two Excel writers (openpyxl, XlsxWriter) and three Parquet writers (polars, pyarrow, DuckDB) are used on purpose:
each writes the same table differently (shared strings or inline strings, cached formula values or none, DECIMAL
or DOUBLE, physical types and logical annotations).
"""

import csv
import datetime
import decimal
import io
import os
import shutil

import duckdb
import openpyxl
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "files")

# The schools of the test county 140199 (tests/data/good/new_county.csv), as the canonical CSV has them.
with open(os.path.join(HERE, "good", "new_county_schools.csv"), encoding="utf-8") as f:
    ROWS = list(csv.reader(f))
HEADER, SCHOOLS = ROWS[0], ROWS[1:]


def number(v):
    """A cell value as a spreadsheet holds it: numbers as numbers, empty as nothing."""
    if v == "":
        return None
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return v


def fresh():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)


def openpyxl_workbooks():
    # A formula without a cached value: openpyxl writes formulas and never computes them.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "学校"
    ws.append(HEADER)
    for row in SCHOOLS:
        ws.append([number(v) for v in row])
    ws["Q2"] = "=6500*2"  # books of the first school, a formula Excel would compute to 13000
    wb.save(os.path.join(OUT, "openpyxl_formula.xlsx"))

    # Blank rows between records (rows 3 and 4 blank), and a bad cell on sheet row 5.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "学校"
    ws.append(HEADER)
    ws.append([number(v) for v in SCHOOLS[0]])
    ws.append([])
    ws.append([])
    bad = [number(v) for v in SCHOOLS[1]]
    bad[HEADER.index("books")] = "很多"
    ws.append(bad)
    wb.save(os.path.join(OUT, "openpyxl_blank_rows.xlsx"))

    # One stray cell at the far corner of the sheet (XFD1048576).
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "学校"
    ws.append(HEADER)
    for row in SCHOOLS:
        ws.append([number(v) for v in row])
    ws["XFD1048576"] = "x"
    wb.save(os.path.join(OUT, "openpyxl_far_corner.xlsx"))

    # A visible sheet of notes beside the data: refused unless --sheet picks the data sheet.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "学校"
    ws.append(HEADER)
    for row in SCHOOLS:
        ws.append([number(v) for v in row])
    notes = wb.create_sheet("说明")
    notes.append(["填表说明"])
    notes.append(["金额单位：元"])
    wb.save(os.path.join(OUT, "openpyxl_notes_sheet.xlsx"))

    # A date where the year belongs (Excel shows 2021-01-01; the cell holds 44197).
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["年份", "县区代码", "指标", "数值"])
    ws.append([datetime.date(2021, 1, 1), "140199", "teacher_avg_salary", 98000])
    ws["A2"].number_format = "yyyy-mm-dd"
    wb.save(os.path.join(OUT, "openpyxl_date_year.xlsx"))


def xlsxwriter_workbooks():
    # Three visible sheets (counties, schools, indicators) and a hidden one with old data that must not load.
    wb = xlsxwriter.Workbook(os.path.join(OUT, "xlsxwriter_sheets.xlsx"))
    with open(os.path.join(HERE, "good", "new_county.csv"), encoding="utf-8") as f:
        counties = list(csv.reader(f))
    sheets = [
        ("县", counties),
        ("学校 2021", [HEADER] + [[("2021" if i == 0 else v) for i, v in enumerate(r)] for r in SCHOOLS]),
        ("指标", [["年份", "县区代码", "指标", "数值", "单位"], ["2021", "140199", "edu_budget_expenditure", "1.5", "亿元"]]),
        ("旧数据", [HEADER] + [[("2020" if i == 0 else v) for i, v in enumerate(r)] for r in SCHOOLS]),
    ]
    for name, rows in sheets:
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                v = number(v) if r > 0 else v
                if isinstance(v, (int, float)):
                    ws.write_number(r, c, v)
                elif v is not None:
                    ws.write_string(r, c, v)
        if name == "旧数据":
            ws.hide()
    wb.close()


def parquet_files():
    # polars: money as DECIMAL(12, 2), as databases write it.
    df = pl.read_csv(os.path.join(HERE, "good", "new_county_schools.csv"), infer_schema_length=0)
    df = df.with_columns(pl.col("equipment_value_yuan").cast(pl.Decimal(12, 2)))
    df.write_parquet(os.path.join(OUT, "polars_decimal.parquet"))

    # pyarrow: extra columns of types countyedu does not store (LIST, TIMESTAMPTZ), to be ignored.
    table = pa.Table.from_pylist([{h: v for h, v in zip(HEADER, row)} for row in SCHOOLS])
    n = table.num_rows
    table = table.append_column("tags", pa.array([["a", "b"]] * n, pa.list_(pa.string())))
    table = table.append_column(
        "checked_at", pa.array([datetime.datetime(2021, 9, 1, 8, 0, tzinfo=datetime.timezone.utc)] * n, pa.timestamp("us", tz="Asia/Shanghai"))
    )
    pq.write_table(table, os.path.join(OUT, "pyarrow_extra_types.parquet"))

    # DuckDB: a hive folder whose name contradicts the rows (county_code=110126 over rows of 140199), and one
    # that supplies a column the file lacks (year=2024 over rows without a year).
    con = duckdb.connect()
    con.execute("CREATE TABLE s AS SELECT * FROM read_csv(?, all_varchar = true)", [os.path.join(HERE, "good", "new_county_schools.csv")])
    # DuckDB: an INTERVAL column (pyarrow cannot write one), extra, to be ignored.
    con.execute(f"COPY (SELECT *, INTERVAL 3 DAY AS span FROM s) TO '{os.path.join(OUT, 'duckdb_interval.parquet')}' (FORMAT parquet)")
    bad = os.path.join(OUT, "duckdb_hive", "county_code=110126")
    os.makedirs(bad)
    con.execute(f"COPY s TO '{os.path.join(bad, 'x.parquet')}' (FORMAT parquet)")
    good = os.path.join(OUT, "duckdb_hive_year", "year=2024")
    os.makedirs(good)
    con.execute(f"COPY (SELECT * EXCLUDE (year) FROM s) TO '{os.path.join(good, 'x.parquet')}' (FORMAT parquet)")


def text_files():
    counties_header = "county_code,county_name,prefecture_code,prefecture_name,province_code,province_name,region"

    def counties(name):
        return f"{counties_header}\n140198,{name},140100,测试市,140000,山西省,central\n"

    # UTF-8 with one cp1252 en-dash (0x96) pasted into a name: line 2, column 8 (after "140198,县报数据").
    text = counties("县报数据")
    i = text.index("县报数据") + len("县报数据")
    data = text[:i].encode("utf-8") + b"\x96" + text[i:].encode("utf-8")
    open(os.path.join(OUT, "utf8_stray_byte.csv"), "wb").write(data)
    # The same county as Big5 and Shift-JIS bytes (traditional and Japanese names), and as UTF-16LE with a BOM.
    big5 = f"{counties_header}\n140198,臺北縣,140100,臺北市,140000,臺灣省,central\n"
    open(os.path.join(OUT, "big5_counties.csv"), "wb").write(big5.encode("big5"))
    sjis = f"{counties_header}\n140198,東京都,140100,東京市,140000,関東地方,central\n"
    open(os.path.join(OUT, "shift_jis_counties.csv"), "wb").write(sjis.encode("shift_jis"))
    open(os.path.join(OUT, "utf16_counties.csv"), "wb").write(b"\xff\xfe" + counties("高平测试县").encode("utf-16-le"))

    # Schools of 140199 on 60 lines with bad books (图书册数 = "x") on lines 2, 3, 30 and 59, in CRLF, in CR-only,
    # and with blank lines.
    template = SCHOOLS[0]
    books = HEADER.index("books")

    def school(i, bad):
        row = list(template)
        row[HEADER.index("school_id")] = f"L{i:04}"
        if bad:
            row[books] = "x"
        return ",".join(row)

    lines = [",".join(HEADER)] + [school(i, i + 2 in (2, 3, 30, 59)) for i in range(59)]
    open(os.path.join(OUT, "crlf_bad_cells.csv"), "wb").write(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    open(os.path.join(OUT, "cr_only_bad_cells.csv"), "wb").write(("\r".join(lines) + "\r").encode("utf-8"))
    blank = [lines[0], school(0, False), "", school(1, False), ",,,,,,", school(2, True), "", ""]
    open(os.path.join(OUT, "blank_lines.csv"), "wb").write("\n".join(blank).encode("utf-8"))

    # A data folder as offices send it: the data, a note, and an Office lock file.
    folder = os.path.join(OUT, "folder_with_notes")
    os.makedirs(folder)
    shutil.copy(os.path.join(HERE, "good", "new_county.csv"), os.path.join(folder, "counties.csv"))
    shutil.copy(os.path.join(HERE, "good", "new_county_schools.csv"), os.path.join(folder, "schools.csv"))
    open(os.path.join(folder, "说明.txt"), "w", encoding="utf-8").write("本文件夹为2024年测试县数据。\n")
    open(os.path.join(folder, "~$schools.xlsx"), "wb").write(b"\x00lock")
    open(os.path.join(folder, "报告.docx"), "wb").write(b"PK\x03\x04")

    # A CSV file renamed .xlsx.
    shutil.copy(os.path.join(HERE, "good", "new_county.csv"), os.path.join(OUT, "csv_renamed.xlsx"))


def zh_names():
    """The first Chinese header of every column, as src/model.rs declares it."""
    import re

    model = open(os.path.join(HERE, "..", "..", "src", "model.rs"), encoding="utf-8").read()
    return {m.group(1): m.group(2) for m in re.finditer(r'\("(\w+)", &\["([^"]+)"', model)}


def office_forms():
    """Files as supervision offices send them: title rows, merged headers, numbers as people type them."""
    width = len(HEADER)
    col = HEADER.index

    def with_cells(row, **cells):
        row = list(row)
        for k, v in cells.items():
            row[col(k)] = v
        return row

    def csv_text(rows):
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue()

    # GBK, two title rows above the header, and every accepted form of a number or of "not reported".
    a = with_cells(SCHOOLS[0], county_code="140199.0", primary_students="1,234", primary_classes="31", teaching_area_m2="2,100.5",
                   books="１３０００", sports_area_m2=" 3600 ", indoor_sports_area_m2="—", equipment_value_yuan="９０００００．５")
    b = with_cells(SCHOOLS[1], multimedia_rooms="-", music_rooms="／", art_rooms="无", computers="－", primary_teachers="＋25")
    title = ["2024年新增测试县中小学基本情况统计表"] + [""] * (width - 1)
    text = csv_text([title, ["填报单位：新增测试县教育局（盖章）"], HEADER, a, b])
    open(os.path.join(OUT, "form_title_rows_gbk.csv"), "wb").write(text.encode("gbk"))

    # Refused forms: a dash where a value is required, units and percentages inside numbers, a NUL byte, NaN and
    # infinity, a value beyond its bound, and a last line cut short by an interrupted copy.
    good = csv_text([HEADER] + SCHOOLS)
    open(os.path.join(OUT, "form_required_dash.csv"), "w", encoding="utf-8").write(csv_text([HEADER, with_cells(SCHOOLS[0], school_type="—")]))
    open(os.path.join(OUT, "form_ambiguous.csv"), "w", encoding="utf-8").write(
        csv_text([HEADER, with_cells(SCHOOLS[0], equipment_value_yuan="12万"), with_cells(SCHOOLS[1], computers="35%")]))
    open(os.path.join(OUT, "form_nul.csv"), "w", encoding="utf-8").write(csv_text([HEADER, with_cells(SCHOOLS[0], school_name="测试\x00小学")]))
    open(os.path.join(OUT, "form_nan_inf.csv"), "w", encoding="utf-8").write(
        csv_text([HEADER, with_cells(SCHOOLS[0], teaching_area_m2="NaN"), with_cells(SCHOOLS[1], sports_area_m2="inf")]))
    open(os.path.join(OUT, "form_out_of_bounds.csv"), "w", encoding="utf-8").write(csv_text([HEADER, with_cells(SCHOOLS[0], primary_students="250000")]))
    open(os.path.join(OUT, "form_truncated.csv"), "wb").write(good.encode("utf-8")[:-40])

    # A workbook as offices lay it out: a merged title row, a two-row header (在校生数 over 小学/初中/高中, the
    # other headers merged down over both rows, 教学仪器设备值 over its unit 万元), the county code as a number
    # merged down over the schools, and formatted empty cells below and to the right of the table.
    zh = zh_names()

    def workbook(name, merge_number):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "基本情况"
        last = openpyxl.utils.get_column_letter(width)
        ws["A1"] = "2024年新增测试县中小学基本情况统计表"
        ws.merge_cells(f"A1:{last}1")
        ws["A2"] = "填报单位：新增测试县教育局"
        ws.merge_cells("A2:F2")
        students = [col("primary_students"), col("junior_students"), col("senior_students")]
        for c, h in enumerate(HEADER, start=1):
            letter = openpyxl.utils.get_column_letter(c)
            if c - 1 in students:
                ws.cell(4, c, {"primary_students": "小学", "junior_students": "初中", "senior_students": "高中"}[h])
            elif h == "equipment_value_yuan":
                ws.cell(3, c, zh[h])
                ws.cell(4, c, "万元")
            else:
                ws.cell(3, c, zh[h])
                ws.merge_cells(f"{letter}3:{letter}4")
        first, third = (openpyxl.utils.get_column_letter(students[0] + 1), openpyxl.utils.get_column_letter(students[2] + 1))
        ws[f"{first}3"] = "在校生数"
        ws.merge_cells(f"{first}3:{third}3")
        for r, row in enumerate(SCHOOLS[:2], start=5):
            for c, v in enumerate(row, start=1):
                h = HEADER[c - 1]
                if h == "county_code" and r > 5:
                    continue
                if h == "books" and merge_number and r > 5:
                    continue
                v = number(v)
                if h == "equipment_value_yuan":
                    v = 90.5
                ws.cell(r, c, v)
        county = openpyxl.utils.get_column_letter(col("county_code") + 1)
        ws.merge_cells(f"{county}5:{county}6")
        if merge_number:
            books = openpyxl.utils.get_column_letter(col("books") + 1)
            ws.merge_cells(f"{books}5:{books}6")
        border = openpyxl.styles.Border(bottom=openpyxl.styles.Side(style="thin"))
        ws.cell(12, 3).border = border
        ws.cell(3, width + 2).border = border
        ws.cell(3, width + 1, " ")
        wb.save(os.path.join(OUT, name))

    workbook("form_office.xlsx", False)
    workbook("form_merged_number.xlsx", True)

    # A sheet whose third row was cut short when pasted: its first 16 cells only, nothing after (no blank cells).
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "学校"
    ws.append(HEADER)
    ws.append([number(v) for v in SCHOOLS[0]])
    ws.append([number(v) for v in SCHOOLS[1][:16]])
    wb.save(os.path.join(OUT, "form_short_row.xlsx"))


if __name__ == "__main__":
    fresh()
    openpyxl_workbooks()
    xlsxwriter_workbooks()
    parquet_files()
    text_files()
    office_forms()
    print("wrote", sorted(os.listdir(OUT)))
