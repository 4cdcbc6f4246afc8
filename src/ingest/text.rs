//! Text files: decoding to UTF-8 and splitting into records, with every position exact.
//!
//! Decoding never guesses silently. A byte-order mark decides; then valid UTF-8; a file that is mostly UTF-8 but
//! holds a few bad bytes is refused at the first of them (line and column); otherwise GB18030 (a superset of GBK)
//! is tried, and its text must look like simplified Chinese: a file whose characters fall largely outside GB2312
//! (what Big5 or Shift-JIS bytes become when read as GBK) is refused with a hint to pass `--encoding`.
//!
//! Records are split by one hand-written pass (RFC 4180 quoting, `\n`, `\r\n` or `\r` line ends), which records
//! the physical line each record starts on, skips and counts blank lines (also lines of only separators, as Excel
//! writes blank rows), and reports rows whose field count differs from the header's, the last line included.

use std::borrow::Cow;

use encoding_rs::{BIG5, Encoding, GB18030, SHIFT_JIS, UTF_16BE, UTF_16LE};

/// Text encodings a user may force with `--encoding`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf16le,
    Utf16be,
    Gbk,
    Gb18030,
    Big5,
    ShiftJis,
}

impl TextEncoding {
    fn encoding(self) -> Option<&'static Encoding> {
        match self {
            TextEncoding::Utf8 => None,
            TextEncoding::Utf16le => Some(UTF_16LE),
            TextEncoding::Utf16be => Some(UTF_16BE),
            TextEncoding::Gbk | TextEncoding::Gb18030 => Some(GB18030),
            TextEncoding::Big5 => Some(BIG5),
            TextEncoding::ShiftJis => Some(SHIFT_JIS),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16le => "UTF-16LE",
            TextEncoding::Utf16be => "UTF-16BE",
            TextEncoding::Gbk | TextEncoding::Gb18030 => "GB18030",
            TextEncoding::Big5 => "Big5",
            TextEncoding::ShiftJis => "Shift-JIS",
        }
    }
}

/// Why a file could not be decoded: the message, and the line and column of the first bad byte when known.
#[derive(Debug, PartialEq)]
pub struct DecodeProblem {
    pub at: Option<(u64, u64)>,
    pub expected: String,
}

/// Decodes a file's bytes to UTF-8 text; returns the text and the name of the encoding used.
pub fn decode(bytes: Vec<u8>, forced: Option<TextEncoding>) -> Result<(String, &'static str), DecodeProblem> {
    if let Some(forced) = forced {
        return decode_as(bytes, forced);
    }
    if let Some(body) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(body).map(|s| (s.to_string(), "UTF-8 with BOM")).map_err(|e| invalid_utf8(body, &e));
    }
    if bytes.starts_with(b"\xFF\xFE") {
        return strict(UTF_16LE, &bytes[2..]).map(|s| (s, "UTF-16LE")).ok_or_else(|| plain("UTF-16LE text after its BOM"));
    }
    if bytes.starts_with(b"\xFE\xFF") {
        return strict(UTF_16BE, &bytes[2..]).map(|s| (s, "UTF-16BE")).ok_or_else(|| plain("UTF-16BE text after its BOM"));
    }
    let e = match String::from_utf8(bytes) {
        Ok(s) => return Ok((s, "UTF-8")),
        Err(e) => e,
    };
    let bytes = e.into_bytes();
    let (good, bad) = utf8_tally(&bytes);
    if good > 2 * bad {
        // Mostly UTF-8: a few stray bytes (a cp1252 dash pasted in) are an error to show, not a reason to re-read
        // the whole file in another encoding.
        let first = std::str::from_utf8(&bytes).expect_err("invalid");
        let mut p = invalid_utf8(&bytes, &first);
        p.expected = format!(
            "UTF-8 text: the file is UTF-8 ({good} characters) but holds {bad} invalid byte sequence(s); fix them, or \
             pass --encoding if the file is in another encoding"
        );
        return Err(p);
    }
    let Some(text) = strict(GB18030, &bytes) else {
        return Err(plain("UTF-8 or GBK text (the file is neither UTF-8 nor GBK/GB18030; pass --encoding if it is UTF-16, Big5 or Shift-JIS)"));
    };
    let (common, rare) = chinese_tally(&text);
    if rare > 0 && rare * 5 > common + rare {
        return Err(plain(&format!(
            "text that reads as simplified Chinese: decoded as GBK, {rare} of its {} Chinese characters are rare ones \
             (as Big5 or Shift-JIS bytes read as GBK become); convert the file to UTF-8, or pass --encoding big5 / \
             shift-jis / gbk",
            common + rare
        )));
    }
    Ok((text, "GB18030"))
}

fn plain(expected: &str) -> DecodeProblem {
    DecodeProblem { at: None, expected: expected.to_string() }
}

fn strict(enc: &'static Encoding, bytes: &[u8]) -> Option<String> {
    enc.decode_without_bom_handling_and_without_replacement(bytes).map(|c| c.into_owned())
}

fn decode_as(bytes: Vec<u8>, forced: TextEncoding) -> Result<(String, &'static str), DecodeProblem> {
    let name = forced.name();
    match forced.encoding() {
        None => {
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            std::str::from_utf8(body).map(|s| (s.to_string(), name)).map_err(|e| {
                let mut p = invalid_utf8(body, &e);
                p.expected = "UTF-8 text (--encoding utf8), but this byte is not UTF-8".into();
                p
            })
        }
        Some(enc) => {
            let body = match forced {
                TextEncoding::Utf16le => bytes.strip_prefix(b"\xFF\xFE").unwrap_or(&bytes),
                TextEncoding::Utf16be => bytes.strip_prefix(b"\xFE\xFF").unwrap_or(&bytes),
                _ => &bytes,
            };
            let (text, had_errors) = enc.decode_without_bom_handling(body);
            if had_errors {
                // The replacement character marks the first byte the encoding could not read.
                let at = text.find('\u{FFFD}').map(|i| position(&text[..i]));
                return Err(DecodeProblem { at, expected: format!("{name} text (--encoding), but the file holds bytes that are not {name}") });
            }
            Ok((text.into_owned(), name))
        }
    }
}

/// The line and column (1-based, in characters) just after `before`.
fn position(before: &str) -> (u64, u64) {
    let mut line = 1u64;
    let mut col = 1u64;
    let mut chars = before.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                line += 1;
                col = 1;
            }
            _ => col += 1,
        }
    }
    (line, col)
}

/// The position of the first invalid UTF-8 byte, and the byte itself.
fn invalid_utf8(bytes: &[u8], e: &std::str::Utf8Error) -> DecodeProblem {
    let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).expect("valid prefix");
    let byte = bytes[e.valid_up_to()];
    DecodeProblem { at: Some(position(valid)), expected: format!("UTF-8 text; the byte 0x{byte:02X} here is not UTF-8") }
}

/// Valid multi-byte UTF-8 characters and invalid sequences in bytes that are not valid UTF-8 as a whole.
fn utf8_tally(bytes: &[u8]) -> (usize, usize) {
    let (mut good, mut bad) = (0, 0);
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        bad += usize::from(!chunk.invalid().is_empty());
    }
    (good, bad)
}

/// Chinese characters of a text read as GB18030: those in GB2312 (the 6,763 characters of everyday simplified
/// Chinese) and the rare ones outside it.
fn chinese_tally(text: &str) -> (usize, usize) {
    let (mut common, mut rare) = (0, 0);
    let mut buf = [0u8; 4];
    for c in text.chars().filter(|c| !c.is_ascii()) {
        let (bytes, _, _) = GB18030.encode(c.encode_utf8(&mut buf));
        let in_gb2312 = bytes.len() == 2 && (0xA1..=0xF7).contains(&bytes[0]) && bytes[1] >= 0xA1;
        if in_gb2312 {
            common += 1;
        } else {
            rare += 1;
        }
    }
    (common, rare)
}

/// How a delimited text is laid out: its header, where each record starts, what was skipped or is wrong.
pub struct Layout {
    pub header: Vec<String>,
    /// The line the header is on (1-based; blank lines and title rows before it are skipped).
    pub header_line: u64,
    /// The line each data record starts on.
    pub lines: Vec<u64>,
    pub width: usize,
    /// Blank lines (and lines of only separators) skipped.
    pub blank: usize,
    /// Non-blank rows above the header (titles, notes): their line and first text, for the summary.
    pub skipped: Vec<(u64, String)>,
    /// Records whose field count differs from the header's: (line, fields).
    pub ragged: Vec<(u64, usize)>,
    /// A quoted field that never ends: the line it starts on.
    pub unterminated: Option<u64>,
}

/// Where the header of a table is.
pub enum HeaderAt<'a> {
    /// The first of the first `within` non-blank rows that `is_header` accepts (titles above it are skipped);
    /// the first non-blank row when none is.
    Find { within: usize, is_header: &'a dyn Fn(&[String]) -> bool },
    /// The first non-blank row after the first `n` lines (or sheet rows).
    After(u64),
}

/// How many non-blank rows are searched for the header.
pub const HEADER_SEARCH: usize = 10;

/// A row's cells as header names: trimmed, without a byte-order mark.
pub fn header_names<S: AsRef<str>>(cells: &[S]) -> Vec<String> {
    cells.iter().map(|h| h.as_ref().trim_start_matches('\u{feff}').trim().to_string()).collect()
}

/// The first text of a skipped row, shortened, for the summary.
pub fn row_preview<S: AsRef<str>>(cells: &[S]) -> String {
    let first = cells.iter().map(|c| c.as_ref().trim()).find(|c| !c.is_empty()).unwrap_or("");
    let short: String = first.chars().take(30).collect();
    if short.len() < first.len() { format!("{short}…") } else { short }
}

/// Splits `text` into the header (found as `at` says) and data records, handing each data record of the
/// header's width to `sink` as it is read.
pub fn split<'t>(text: &'t str, delimiter: u8, at: &HeaderAt<'_>, mut sink: impl FnMut(&[Cow<'t, str>])) -> Layout {
    let mut t = Tokenizer { text, bytes: text.as_bytes(), pos: 0, line: 1, delimiter };
    let mut out = Layout {
        header: Vec::new(),
        header_line: 1,
        lines: Vec::new(),
        width: 0,
        blank: 0,
        skipped: Vec::new(),
        ragged: Vec::new(),
        unterminated: None,
    };
    let mut record: Vec<Cow<'t, str>> = Vec::new();
    // Rows read while the header is not yet known: (line, cells).
    let mut pending: Vec<(u64, Vec<Cow<'t, str>>)> = Vec::new();
    let mut have_header = false;
    while t.pos < t.bytes.len() {
        let start_line = t.line;
        record.clear();
        if !t.record(&mut record) {
            out.unterminated = Some(start_line);
            break;
        }
        let blank = record.iter().all(|f| f.trim().is_empty());
        if have_header {
            if blank {
                out.blank += 1;
            } else {
                out.data(start_line, &record, &mut sink);
            }
            continue;
        }
        match at {
            HeaderAt::After(n) if start_line <= *n => {
                if !blank {
                    out.skipped.push((start_line, row_preview(&record)));
                }
                continue;
            }
            _ if blank => {
                out.blank += 1;
                continue;
            }
            HeaderAt::After(_) => {}
            HeaderAt::Find { within, is_header } => {
                if !is_header(&header_names(&record)) {
                    pending.push((start_line, record.clone()));
                    if pending.len() < *within {
                        continue;
                    }
                    // No header among the first rows: the first row is taken, and validation says what it lacks.
                    out.set_header(&mut pending, &mut sink);
                    have_header = true;
                    continue;
                }
                for (line, cells) in pending.drain(..) {
                    out.skipped.push((line, row_preview(&cells)));
                }
            }
        }
        out.header = header_names(&record);
        out.header_line = start_line;
        out.width = out.header.len();
        have_header = true;
    }
    if !have_header && !pending.is_empty() {
        out.set_header(&mut pending, &mut sink);
    }
    out
}

impl Layout {
    /// One data record: handed on when it has the header's width, else noted as ragged.
    fn data<'t>(&mut self, line: u64, record: &[Cow<'t, str>], sink: &mut impl FnMut(&[Cow<'t, str>])) {
        if record.len() != self.width {
            self.ragged.push((line, record.len()));
        } else {
            self.lines.push(line);
            sink(record);
        }
    }

    /// The first pending row becomes the header, the others data.
    fn set_header<'t>(&mut self, pending: &mut Vec<(u64, Vec<Cow<'t, str>>)>, sink: &mut impl FnMut(&[Cow<'t, str>])) {
        let mut rows = pending.drain(..);
        if let Some((line, cells)) = rows.next() {
            self.header = header_names(&cells);
            self.header_line = line;
            self.width = self.header.len();
        }
        for (line, cells) in rows {
            self.data(line, &cells, sink);
        }
    }
}

struct Tokenizer<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    line: u64,
    delimiter: u8,
}

impl<'t> Tokenizer<'t> {
    /// Reads one record into `out`; false when a quoted field runs to the end of the text.
    fn record(&mut self, out: &mut Vec<Cow<'t, str>>) -> bool {
        loop {
            let (field, ok) = if self.bytes.get(self.pos) == Some(&b'"') { self.quoted() } else { (self.unquoted(), true) };
            if !ok {
                return false;
            }
            out.push(field);
            match self.bytes.get(self.pos) {
                Some(&d) if d == self.delimiter => self.pos += 1,
                Some(b'\r') => {
                    self.pos += if self.bytes.get(self.pos + 1) == Some(&b'\n') { 2 } else { 1 };
                    self.line += 1;
                    return true;
                }
                Some(b'\n') => {
                    self.pos += 1;
                    self.line += 1;
                    return true;
                }
                _ => return true, // the end of the text
            }
        }
    }

    fn unquoted(&mut self) -> Cow<'t, str> {
        let start = self.pos;
        let end = memchr::memchr3(self.delimiter, b'\n', b'\r', &self.bytes[start..]).map_or(self.bytes.len(), |i| start + i);
        self.pos = end;
        Cow::Borrowed(&self.text[start..end])
    }

    /// A quoted field: `""` is a quote, line ends inside are part of it; anything after the closing quote up to
    /// the next separator is kept, as spreadsheets do.
    fn quoted(&mut self) -> (Cow<'t, str>, bool) {
        let mut owned: Option<String> = None;
        let mut start = self.pos + 1;
        let mut i = start;
        loop {
            let Some(q) = memchr::memchr(b'"', &self.bytes[i..]).map(|q| i + q) else {
                return (Cow::Borrowed(""), false);
            };
            self.count_lines(i, q);
            if self.bytes.get(q + 1) == Some(&b'"') {
                owned.get_or_insert_with(String::new).push_str(&self.text[start..=q]);
                i = q + 2;
                start = i;
                continue;
            }
            let inside = &self.text[start..q];
            self.pos = q + 1;
            let rest = self.unquoted();
            let field = match owned {
                None if rest.is_empty() => Cow::Borrowed(inside),
                None => Cow::Owned(format!("{inside}{rest}")),
                Some(mut s) => {
                    s.push_str(inside);
                    s.push_str(&rest);
                    Cow::Owned(s)
                }
            };
            return (field, true);
        }
    }

    /// Counts the line ends in `bytes[from..to]` (inside a quoted field).
    fn count_lines(&mut self, from: usize, to: usize) {
        let b = &self.bytes[from..to];
        let lf = memchr::memchr_iter(b'\n', b).count();
        let cr_alone = memchr::memchr_iter(b'\r', b).filter(|&i| b.get(i + 1) != Some(&b'\n')).count();
        // A \r at the end of the slice followed by \n right after it is one line end, counted with the \n.
        let cr_before_lf = usize::from(b.last() == Some(&b'\r') && self.bytes.get(to) == Some(&b'\n'));
        self.line += (lf + cr_alone - cr_before_lf) as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIRST: HeaderAt<'static> = HeaderAt::After(0);

    fn lines_of(text: &str) -> (Vec<String>, Vec<u64>, usize, Vec<(u64, usize)>) {
        let mut fields = Vec::new();
        let r = split(text, b',', &FIRST, |rec| fields.extend(rec.iter().map(|f| f.to_string())));
        (fields, r.lines, r.blank, r.ragged)
    }

    #[test]
    fn every_line_end_counts_once() {
        for nl in ["\n", "\r\n", "\r"] {
            let text = ["a,b", "1,2", "3,4", ""].join(nl);
            let (fields, lines, _, _) = lines_of(&text);
            assert_eq!(fields, ["1", "2", "3", "4"], "{nl:?}");
            assert_eq!(lines, [2, 3], "{nl:?}");
        }
    }

    #[test]
    fn quoted_fields_keep_separators_quotes_and_line_ends() {
        let text = "a,b\r\n\"x,\r\ny\",\"say \"\"hi\"\"\"\r\n2,z\r\n";
        let (fields, lines, _, _) = lines_of(text);
        assert_eq!(fields, ["x,\r\ny", "say \"hi\"", "2", "z"]);
        assert_eq!(lines, [2, 4]);
    }

    #[test]
    fn blank_lines_are_skipped_counted_and_move_nothing() {
        let text = "\na,b\n1,2\n\n,\n3,4\n\n\n";
        let (fields, lines, blank, ragged) = lines_of(text);
        assert_eq!(fields, ["1", "2", "3", "4"]);
        assert_eq!(lines, [3, 6]);
        assert_eq!(blank, 5);
        assert!(ragged.is_empty());
        assert_eq!(split(text, b',', &FIRST, |_| {}).header_line, 2);
    }

    #[test]
    fn short_and_long_rows_are_reported_with_their_line_even_the_last() {
        let (_, lines, _, ragged) = lines_of("a,b,c\n1,2,3\n1,2\n1,2,3,4\n1,2");
        assert_eq!(lines, [2]);
        assert_eq!(ragged, [(3, 2), (4, 4), (5, 2)]);
        assert_eq!(split("a,b\n\"open,1\n", b',', &FIRST, |_| {}).unterminated, Some(2));
    }

    #[test]
    fn title_rows_above_the_header_are_skipped_and_named() {
        let is_header = |h: &[String]| h.first().is_some_and(|c| c == "a");
        let find = HeaderAt::Find { within: 3, is_header: &is_header };
        let text = "2021年 学校基本情况表,,\n单位：人\n\na,b,c\n1,2,3\n";
        let mut rows = Vec::new();
        let r = split(text, b',', &find, |rec| rows.push(rec.join("|")));
        assert_eq!((r.header_line, r.header.clone(), rows.clone()), (4, vec!["a".into(), "b".into(), "c".into()], vec!["1|2|3".to_string()]));
        assert_eq!(r.skipped, [(1, "2021年 学校基本情况表".to_string()), (2, "单位：人".to_string())]);
        assert!(r.ragged.is_empty());
        // No header within the search: the first row is the header, and later rows are data (ragged here).
        let r = split("t\nx,y\n1,2\n3,4\n", b',', &find, |_| {});
        assert_eq!((r.header_line, r.skipped.len(), r.ragged.len(), r.lines.len()), (1, 0, 3, 0));
        // A forced skip counts lines, blank or not.
        let r = split("title\n\nnote\nx,y\n1,2\n", b',', &HeaderAt::After(3), |_| {});
        assert_eq!((r.header_line, r.skipped.len(), r.lines.clone()), (4, 2, vec![5]));
    }

    #[test]
    fn encodings_are_detected_in_order_bom_utf8_gb18030() {
        let gbk = GB18030.encode("年份,县区代码\n高平市\n").0.into_owned();
        assert_eq!(decode(gbk, None).unwrap(), ("年份,县区代码\n高平市\n".to_string(), "GB18030"));
        assert_eq!(decode("年份\n".as_bytes().to_vec(), None).unwrap().1, "UTF-8");
        let bom = [b"\xEF\xBB\xBF".as_slice(), "年份".as_bytes()].concat();
        assert_eq!(decode(bom, None).unwrap(), ("年份".to_string(), "UTF-8 with BOM"));
        let utf16 = [b"\xFF\xFE".as_slice(), &"年份".encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>()].concat();
        assert_eq!(decode(utf16, None).unwrap(), ("年份".to_string(), "UTF-16LE"));
    }

    #[test]
    fn a_stray_byte_in_utf8_is_refused_at_its_line_and_column() {
        let mut bytes = "年份,县区代码,名称\n2021,140581,县报数据".as_bytes().to_vec();
        bytes.push(0x96); // a cp1252 en-dash
        bytes.extend_from_slice("说明\n".as_bytes());
        let p = decode(bytes, None).unwrap_err();
        assert_eq!(p.at, Some((2, 17)));
        assert!(p.expected.contains("holds 1 invalid byte sequence"), "{}", p.expected);
    }

    #[test]
    fn big5_and_shift_jis_are_not_read_as_gbk() {
        for enc in [BIG5, SHIFT_JIS] {
            let bytes = enc.encode("county_name\n臺北縣\n東京都\n").0.into_owned();
            let p = decode(bytes.clone(), None).unwrap_err();
            assert!(p.expected.contains("rare ones"), "{}: {}", enc.name(), p.expected);
        }
        let big5 = BIG5.encode("county_name\n臺北縣\n").0.into_owned();
        assert_eq!(decode(big5, Some(TextEncoding::Big5)).unwrap().0, "county_name\n臺北縣\n");
    }

    #[test]
    fn a_forced_encoding_that_yields_invalid_text_is_refused() {
        let gbk = GB18030.encode("年份\n高平\n").0.into_owned();
        let p = decode(gbk, Some(TextEncoding::Utf8)).unwrap_err();
        assert_eq!(p.at, Some((1, 1)));
        let odd = vec![b'a', b'\n', 0xD8, 0x00, 0xD8]; // an unpaired surrogate in UTF-16LE
        assert!(decode(odd, Some(TextEncoding::Utf16le)).is_err());
    }
}
