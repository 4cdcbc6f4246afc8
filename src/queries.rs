//! Named queries: the documented SQL files of `queries/`. Each opens with a comment block — `-- title:`,
//! `-- answers:`, `-- parameters:` (`none`, or one `--   NAME TYPE = DEFAULT: description` line each, TYPE one of
//! `integer`, `number`, `text` (text when left out), `= DEFAULT` left out for a required one) — and refers to its
//! parameters as `$NAME`, bound by DuckDB with the declared type, never spliced. A value is read as its declared
//! type, never by its look: a code `0012` declared text stays `0012`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The type a parameter is declared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamType {
    Integer,
    Number,
    Text,
}

impl ParamType {
    fn parse(word: &str) -> Option<ParamType> {
        match word {
            "integer" => Some(ParamType::Integer),
            "number" => Some(ParamType::Number),
            "text" => Some(ParamType::Text),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            ParamType::Integer => "integer",
            ParamType::Number => "number",
            ParamType::Text => "text",
        }
    }
}

/// One declared parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub kind: ParamType,
    pub default: Option<String>,
    pub description: String,
}

/// A query file and what its header says.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub name: String,
    pub path: PathBuf,
    pub title: String,
    pub answers: String,
    pub params: Vec<Param>,
    pub sql: String,
}

/// Reads a query's header; the error names the file and what is missing.
pub fn parse(path: &Path, text: &str) -> Result<Query> {
    let bad = |what: &str| Error::usage(format!("{}: {what}", path.display()));
    let header: Vec<&str> = text.lines().take_while(|l| l.trim_start().starts_with("--")).collect();
    let field = |key: &str| -> Option<String> {
        let start = header.iter().position(|l| l.trim_start_matches("--").trim_start().starts_with(key))?;
        let first = header[start].trim_start_matches("--").trim_start()[key.len()..].trim().to_string();
        // Continuation lines are indented further and hold no other field.
        let more = header[start + 1..]
            .iter()
            .map(|l| l.trim_start_matches("--"))
            .take_while(|l| l.starts_with("   ") || l.starts_with('\t'))
            .map(str::trim);
        Some(std::iter::once(first.as_str()).chain(more).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" "))
    };
    let title = field("title:").ok_or_else(|| bad("the header has no `-- title:` line"))?;
    let answers = field("answers:").ok_or_else(|| bad("the header has no `-- answers:` line"))?;
    let start = header
        .iter()
        .position(|l| l.trim_start_matches("--").trim_start().starts_with("parameters:"))
        .ok_or_else(|| bad("the header has no `-- parameters:` line (write `-- parameters: none`)"))?;
    let mut params = Vec::new();
    for line in &header[start + 1..] {
        let body = line.trim_start_matches("--");
        if !body.starts_with("  ") {
            break;
        }
        let (decl, description) = body.trim().split_once(':').ok_or_else(|| bad(&format!("parameter line {line:?}: expected NAME = DEFAULT: description")))?;
        let (name_type, default) = match decl.split_once('=') {
            Some((n, d)) => (n.trim(), Some(d.trim().to_string())),
            None => (decl.trim(), None),
        };
        let (name, kind) = match name_type.split_once(char::is_whitespace) {
            Some((n, t)) => (n.to_string(), ParamType::parse(t.trim()).ok_or_else(|| bad(&format!("parameter {n}: type {:?}: expected integer, number or text", t.trim())))?),
            None => (name_type.to_string(), ParamType::Text),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(bad(&format!("parameter name {name:?} is not a name")));
        }
        let param = Param { name, kind, default, description: description.trim().to_string() };
        if let Some(d) = &param.default {
            typed(&param, d).map_err(|e| bad(&format!("the default of {e}")))?;
        }
        params.push(param);
    }
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Query { name, path: path.to_path_buf(), title, answers, params, sql: text.to_string() })
}

/// Every query of a folder, by name.
pub fn list(dir: &Path) -> Result<Vec<Query>> {
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::usage(format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p)?;
        out.push(parse(&p, &text)?);
    }
    Ok(out)
}

/// A value bound to a parameter, of its declared type.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
    Text(String),
}

/// Reads a value as the parameter's declared type; the error names the parameter and what it expects.
fn typed(p: &Param, text: &str) -> std::result::Result<Value, String> {
    let fail = || format!("parameter {} ({}): {text:?} is not {}", p.name, p.kind.name(), if p.kind == ParamType::Integer { "a whole number" } else { "a number" });
    match p.kind {
        ParamType::Text => Ok(Value::Text(text.to_string())),
        ParamType::Integer => text.trim().parse::<i64>().map(Value::Int).map_err(|_| fail()),
        ParamType::Number => text.trim().parse::<f64>().ok().filter(|f| f.is_finite()).map(Value::Float).ok_or_else(fail),
    }
}

/// Resolves `--param NAME=VALUE` pairs against the declared parameters: unknown names, repeated names, values
/// that are not of the declared type and missing values are usage errors; defaults fill the rest.
pub fn bind(query: &Query, given: &[String]) -> Result<BTreeMap<String, Value>> {
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    for pair in given {
        let (k, v) = pair.split_once('=').ok_or_else(|| Error::usage(format!("--param {pair:?}: expected NAME=VALUE")))?;
        if !query.params.iter().any(|p| p.name == k) {
            let known: Vec<&str> = query.params.iter().map(|p| p.name.as_str()).collect();
            return Err(Error::usage(format!(
                "query {} has no parameter {k:?}; it takes: {}",
                query.name,
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            )));
        }
        if let Some(first) = values.insert(k.to_string(), v.to_string()) {
            return Err(Error::usage(format!("--param {k} is given twice ({first:?} and {v:?}); give it once")));
        }
    }
    let mut out = BTreeMap::new();
    for p in &query.params {
        let v = values.get(&p.name).cloned().or_else(|| p.default.clone()).ok_or_else(|| {
            Error::usage(format!("query {} needs --param {}=VALUE ({})", query.name, p.name, p.description))
        })?;
        out.insert(p.name.clone(), typed(p, &v).map_err(Error::usage)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q: &str = "-- title: Spending\n-- answers: how much,\n--          and where\n-- parameters:\n--   year integer = 2023: the year\n--   county_code text: the county\nSELECT $year, $county_code\n";

    #[test]
    fn headers_give_title_answers_and_parameters() {
        let q = parse(Path::new("q/spend.sql"), Q).unwrap();
        assert_eq!((q.name.as_str(), q.title.as_str(), q.answers.as_str()), ("spend", "Spending", "how much, and where"));
        assert_eq!(
            q.params,
            vec![
                Param { name: "year".into(), kind: ParamType::Integer, default: Some("2023".into()), description: "the year".into() },
                Param { name: "county_code".into(), kind: ParamType::Text, default: None, description: "the county".into() },
            ]
        );
        assert!(parse(Path::new("x.sql"), "SELECT 1").is_err());
    }

    #[test]
    fn binding_checks_names_and_fills_defaults() {
        let q = parse(Path::new("spend.sql"), Q).unwrap();
        let b = bind(&q, &["county_code=140121".into()]).unwrap();
        assert_eq!(b["year"], Value::Int(2023));
        assert_eq!(b["county_code"], Value::Text("140121".into()), "codes stay text");
        assert!(bind(&q, &[]).unwrap_err().to_string().contains("needs --param county_code=VALUE"));
        assert!(bind(&q, &["county_code=1".into(), "yaer=2021".into()]).unwrap_err().to_string().contains("no parameter \"yaer\"; it takes: year, county_code"));
        assert!(bind(&q, &["county_code".into()]).is_err());
    }

    #[test]
    fn values_are_bound_by_the_declared_type_not_by_their_look() {
        let q = parse(Path::new("spend.sql"), Q).unwrap();
        let b = bind(&q, &["county_code=0012".into(), "year=2021".into()]).unwrap();
        assert_eq!(b["county_code"], Value::Text("0012".into()));
        assert_eq!(b["year"], Value::Int(2021));
        assert_eq!(bind(&q, &["county_code=1e3".into()]).unwrap()["county_code"], Value::Text("1e3".into()));
        let err = bind(&q, &["county_code=1".into(), "year=abc".into()]).unwrap_err();
        assert!(matches!(&err, Error::Usage(m) if m.contains("parameter year (integer): \"abc\" is not a whole number")), "{err}");
        let err = bind(&q, &["county_code=1".into(), "county_code=2".into()]).unwrap_err();
        assert!(err.to_string().contains("--param county_code is given twice"), "{err}");
        let bad_type = Q.replace("year integer", "year date");
        assert!(parse(Path::new("x.sql"), &bad_type).unwrap_err().to_string().contains("type \"date\""));
    }
}
