//! SQL text as statements, without a database: splits on `;` outside quotes, comments and dollar-quoted strings,
//! and reads each statement's leading keywords. Used to refuse statements before DuckDB runs any of them
//! (duckdb-rs executes every statement but the last while preparing the last).

/// The statements of a text, each trimmed, empty ones dropped.
pub fn statements(sql: &str) -> Vec<&str> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\'' | b'"' => i = skip_quoted(bytes, i, bytes[i]),
            b'-' if bytes.get(i + 1) == Some(&b'-') => i = bytes[i..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| i + p + 1),
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = find(bytes, i + 2, b"*/").map_or(bytes.len(), |p| p + 2),
            b'$' => i = skip_dollar(bytes, i),
            b';' => {
                out.push(&sql[start..i]);
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    out.push(&sql[start..]);
    out.into_iter().map(str::trim).filter(|s| !strip_comments(s).is_empty()).collect()
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// Past a quoted string or identifier starting at `i` (a doubled quote is part of it).
fn skip_quoted(bytes: &[u8], i: usize, quote: u8) -> usize {
    let mut j = i + 1;
    while j < bytes.len() {
        if bytes[j] == quote {
            if bytes.get(j + 1) == Some(&quote) {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    bytes.len()
}

/// Past a dollar-quoted string (`$$…$$`, `$tag$…$tag$`) starting at `i`; a lone `$` (a parameter) is one byte.
fn skip_dollar(bytes: &[u8], i: usize) -> usize {
    let tag_end = bytes[i + 1..].iter().position(|b| !(b.is_ascii_alphanumeric() || *b == b'_')).map(|p| i + 1 + p);
    match tag_end {
        Some(e) if bytes[e] == b'$' && !bytes[i + 1..e].first().is_some_and(u8::is_ascii_digit) => {
            let tag = &bytes[i..=e];
            find(bytes, e + 1, tag).map_or(bytes.len(), |p| p + tag.len())
        }
        _ => i + 1,
    }
}

/// A statement without its leading comments and opening parentheses.
fn strip_comments(s: &str) -> &str {
    let mut s = s.trim_start();
    loop {
        if let Some(rest) = s.strip_prefix("--") {
            s = rest.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if let Some(rest) = s.strip_prefix("/*") {
            s = rest.split_once("*/").map_or("", |(_, r)| r).trim_start();
        } else if let Some(rest) = s.strip_prefix('(') {
            s = rest.trim_start();
        } else {
            return s;
        }
    }
}

/// The first `n` words of a statement, upper-cased (comments skipped).
pub fn leading_words(statement: &str, n: usize) -> Vec<String> {
    strip_comments(statement)
        .split(|c: char| c.is_whitespace() || c == '(' || c == ';')
        .filter(|w| !w.is_empty())
        .take(n)
        .map(str::to_ascii_uppercase)
        .collect()
}

/// A statement that would install, load or update a DuckDB extension, if any: countyedu never reaches the network
/// and never loads code from files.
pub fn extension_statement(sql: &str) -> Option<&str> {
    statements(sql).into_iter().find(|s| {
        let w = leading_words(s, 2);
        matches!(w.first().map(String::as_str), Some("INSTALL" | "LOAD"))
            || (w.first().map(String::as_str) == Some("FORCE") && w.get(1).map(String::as_str) == Some("INSTALL"))
            || (w.first().map(String::as_str) == Some("UPDATE") && w.get(1).map(String::as_str) == Some("EXTENSIONS"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_split_outside_quotes_and_comments() {
        assert_eq!(statements("SELECT 1; SELECT 2"), vec!["SELECT 1", "SELECT 2"]);
        assert_eq!(statements("SELECT ';' AS a; -- x; y\nSELECT \"a;b\""), vec!["SELECT ';' AS a", "-- x; y\nSELECT \"a;b\""]);
        assert_eq!(statements("SELECT 'it''s;'; /* ; */ SELECT 2;"), vec!["SELECT 'it''s;'", "/* ; */ SELECT 2"]);
        assert_eq!(statements("SELECT $$a;b$$, $t$x;$t$; SELECT $1"), vec!["SELECT $$a;b$$, $t$x;$t$", "SELECT $1"]);
        assert_eq!(statements(" ; -- only a comment\n"), Vec::<&str>::new());
    }

    #[test]
    fn extension_statements_are_found_wherever_they_are() {
        assert_eq!(extension_statement("SELECT 1; install httpfs"), Some("install httpfs"));
        assert_eq!(extension_statement("-- c\nLOAD 'x.duckdb_extension'"), Some("-- c\nLOAD 'x.duckdb_extension'"));
        assert!(extension_statement("FORCE INSTALL spatial").is_some());
        assert!(extension_statement("update extensions").is_some());
        assert_eq!(extension_statement("SELECT 'install httpfs'; SELECT load FROM t"), None);
    }
}
