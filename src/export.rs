//! Exporting every warehouse table as files, without ever touching a file countyedu did not write.
//!
//! An export folder holds a manifest (`countyedu-export.json`) listing every file the export wrote. A new export
//! goes into a folder that does not exist or is empty, or into an earlier export's folder, where it replaces only
//! the files the earlier manifest lists. The new files are written into a staging folder first and moved into
//! place when all are written, so that a failed export leaves the earlier one as it was.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::output::{Format, Plan};
use crate::warehouse::Warehouse;

/// The manifest's file name.
pub const MANIFEST: &str = "countyedu-export.json";

/// The schema file's name: every table's files, columns, DuckDB types and meanings, and how readers type `year`.
pub const SCHEMA: &str = "schema.json";

#[derive(serde::Serialize)]
struct SchemaColumn {
    name: String,
    duckdb_type: String,
    meaning: String,
    unit: String,
    values: String,
}

#[derive(serde::Serialize)]
struct SchemaTable {
    name: String,
    rows: i64,
    /// Where its files are, relative to the export folder.
    files: String,
    /// `year` when the table is split into hive partitions `year=YYYY` (the column then lives in the folder names).
    partitioned_by: Option<String>,
    columns: Vec<SchemaColumn>,
}

#[derive(serde::Serialize)]
struct Schema {
    written_by: String,
    format: String,
    /// How each reader types the partition column, and the cast back to the warehouse's INTEGER.
    hive_year: Vec<(String, String)>,
    /// CSV only: the columns to read as text (codes keep their leading zeros and digits).
    csv_text_columns: Vec<String>,
    tables: Vec<SchemaTable>,
}

/// How the readers analysts use type a hive partition's `year`, and the one line that makes it the warehouse's
/// integer again.
pub const HIVE_YEAR: [(&str, &str); 5] = [
    ("duckdb", "read_parquet('DIR/TABLE/**/*.parquet', hive_partitioning = true) gives year BIGINT; CAST(year AS INTEGER) if a join needs INTEGER"),
    ("polars", "pl.scan_parquet('DIR/TABLE/**/*.parquet', hive_partitioning=True) gives year Int64; .with_columns(pl.col('year').cast(pl.Int32))"),
    ("pandas", "pd.read_parquet('DIR/TABLE') gives year as a Categorical of the folder names; df['year'] = df['year'].astype('int32')"),
    ("pyarrow", "pq.read_table('DIR/TABLE') gives year as dictionary<values=int32>; t.set_column(t.schema.get_field_index('year'), 'year', t['year'].cast('int32'))"),
    ("spark", "spark.read.parquet('DIR/TABLE') infers year as int (partition column type inference)"),
];

/// Code columns a CSV reader must read as text (or it drops leading zeros and reads 140121 as a number).
pub const CSV_TEXT_COLUMNS: [&str; 6] = ["county_code", "prefecture_code", "province_code", "school_id", "area_code", "urban_rural_code"];

/// File formats of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// `DIR/TABLE/year=YYYY/data_0.parquet` (hive partitions) or `DIR/TABLE/TABLE.parquet`.
    Parquet,
    /// `DIR/TABLE.csv`.
    Csv { bom: bool },
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Manifest {
    written_by: String,
    files: Vec<String>,
}

/// Writes every table of the warehouse into `dir`; returns each table's name and row count.
pub fn export(wh: &Warehouse, dir: &Path, format: ExportFormat) -> Result<Vec<(String, i64)>> {
    let earlier = earlier_files(dir)?;
    std::fs::create_dir_all(dir).map_err(|e| Error::usage(format!("--to {}: {e}", dir.display())))?;
    let staging = tempfile::Builder::new().prefix(".countyedu-export-").tempdir_in(dir)?;
    let mut out = Vec::new();
    let mut schema = Schema {
        written_by: format!("countyedu {}", env!("CARGO_PKG_VERSION")),
        format: match format {
            ExportFormat::Parquet => "parquet".into(),
            ExportFormat::Csv { .. } => "csv".into(),
        },
        hive_year: HIVE_YEAR.iter().map(|(r, h)| (r.to_string(), h.to_string())).collect(),
        csv_text_columns: CSV_TEXT_COLUMNS.iter().map(|c| c.to_string()).collect(),
        tables: Vec::new(),
    };
    for (name, rows, has_year) in wh.tables()? {
        let partitioned = matches!(format, ExportFormat::Parquet) && has_year;
        schema.tables.push(SchemaTable {
            files: match format {
                ExportFormat::Parquet if partitioned => format!("{name}/year=*/*.parquet"),
                ExportFormat::Parquet => format!("{name}/{name}.parquet"),
                ExportFormat::Csv { .. } => format!("{name}.csv"),
            },
            partitioned_by: partitioned.then(|| "year".to_string()),
            columns: wh
                .column_types(&name)?
                .into_iter()
                .map(|(c, t)| {
                    let m = crate::meanings::meaning(&name, &c);
                    SchemaColumn {
                        meaning: m.map_or(String::new(), |m| m.meaning.to_string()),
                        unit: m.map_or(String::new(), |m| m.unit.to_string()),
                        values: m.map_or(String::new(), |m| m.values.to_string()),
                        name: c,
                        duckdb_type: t,
                    }
                })
                .collect(),
            name: name.clone(),
            rows,
        });
        match format {
            ExportFormat::Parquet => wh.write_table_parquet(&name, has_year, &staging.path().join(&name))?,
            ExportFormat::Csv { bom } => {
                let plan = Plan { format: Format::Csv, output: Some(staging.path().join(format!("{name}.csv"))), bom, max_rows: 0 };
                wh.query_streamed(&format!("SELECT * FROM \"{}\"", name.replace('"', "\"\"")), |schema, batches| plan.stream(schema, batches))?;
            }
        }
        out.push((name, rows));
    }
    std::fs::write(staging.path().join(SCHEMA), serde_json::to_string_pretty(&schema).map_err(|e| Error::other(e.to_string()))?)?;
    let written = files_under(staging.path())?;
    // A file of the user's where the export would write: refused before anything is replaced.
    if let Some(clash) = written.iter().find(|f| dir.join(f).exists() && !earlier.contains(f)) {
        return Err(Error::usage(format!(
            "{}: the export would replace {clash}, which an earlier export did not write; nothing was changed",
            dir.display()
        )));
    }
    for f in &earlier {
        let path = dir.join(f);
        if path.is_file() {
            std::fs::remove_file(&path)?;
        }
        remove_empty_parents(dir, &path);
    }
    for f in &written {
        let (from, to) = (staging.path().join(f), dir.join(f));
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(from, to)?;
    }
    let manifest = Manifest { written_by: format!("countyedu {}", env!("CARGO_PKG_VERSION")), files: written };
    std::fs::write(dir.join(MANIFEST), serde_json::to_string_pretty(&manifest).map_err(|e| Error::other(e.to_string()))?)?;
    Ok(out)
}

/// The files an earlier export wrote into `dir` (none for a missing or empty folder); a folder that holds
/// anything else is refused.
fn earlier_files(dir: &Path) -> Result<Vec<String>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    if !dir.is_dir() {
        return Err(Error::usage(format!("--to {}: is a file, not a folder", dir.display())));
    }
    let manifest = dir.join(MANIFEST);
    if manifest.is_file() {
        let text = std::fs::read_to_string(&manifest)?;
        let m: Manifest = serde_json::from_str(&text)
            .map_err(|e| Error::usage(format!("{}: not a countyedu export manifest ({e}); nothing was changed", manifest.display())))?;
        // Only plain relative paths inside the folder are ever removed.
        return Ok(m.files.into_iter().filter(|f| Path::new(f).components().all(|c| matches!(c, std::path::Component::Normal(_)))).collect());
    }
    let leftover = |e: &std::fs::DirEntry| e.file_name().to_string_lossy().starts_with(".countyedu-export-");
    if std::fs::read_dir(dir)?.filter_map(|e| e.ok()).any(|e| !leftover(&e)) {
        return Err(Error::usage(format!(
            "--to {}: the folder is not empty and holds no earlier export ({MANIFEST}); choose a new or empty folder \
             (countyedu never replaces files it did not write)",
            dir.display()
        )));
    }
    Ok(Vec::new())
}

/// Every file under `root`, as paths relative to it with `/` separators, sorted.
fn files_under(root: &Path) -> Result<Vec<String>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(root, &path, out)?;
            } else {
                let rel: PathBuf = path.strip_prefix(root).expect("under root").to_path_buf();
                out.push(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(root, root, &mut out)?;
    out.sort();
    Ok(out)
}

/// Removes the folders between `file` and `root` that are left empty.
fn remove_empty_parents(root: &Path, file: &Path) {
    let mut at = file.parent();
    while let Some(dir) = at {
        if dir == root || !dir.starts_with(root) || std::fs::remove_dir(dir).is_err() {
            break;
        }
        at = dir.parent();
    }
}
