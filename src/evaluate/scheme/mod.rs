//! Evaluation schemes as data: a TOML file with metadata, grade cut points (or a recognition's 达到 / 未达到),
//! derived county indicators and the tree area → key point (评价重点) → observation point (观测点). Loading checks the
//! whole file and refuses it with the file, line and a message for each problem (unknown metric, missing
//! threshold, duplicate id, points that do not add up to the declared total).
//!
//! Parts: [`metric`] (what a point measures, and the limits the rules give), [`threshold`] (thresholds as
//! written). Parsing goes meta → derived indicators → grades → each point (metric, then scoring).

pub mod metric;
pub mod threshold;

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::warehouse::engine::ExpressionChecker;

pub use metric::{CHECKS, EQUITY_MEASURES, Metric, SCHOOL_RATES, URBAN_RURAL_COLUMNS};
pub use threshold::Threshold;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScheme {
    scheme: RawMeta,
    #[serde(default)]
    derived: Vec<RawDerived>,
    #[serde(default)]
    area: Vec<RawArea>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    name: String,
    version: String,
    /// `points` (default): points earned, totals and grade cut points; `recognition`: 达到 when every item holds.
    #[serde(default)]
    kind: Option<Spanned<String>>,
    #[serde(default)]
    province: Option<Spanned<String>>,
    /// The rules the scheme is written for (a folder under `config/`, or a path relative to the scheme file).
    #[serde(default)]
    rules: Option<String>,
    /// A county without school data is judged on the CVs it reported (marked 县报).
    #[serde(default)]
    reported_cvs: bool,
    years: Spanned<[i32; 2]>,
    #[serde(default)]
    total_points: Option<Spanned<f64>>,
    #[serde(default)]
    grades: Option<Spanned<Vec<Grade>>>,
    /// The grade a county gets at best when it fails a veto point (default: the lowest grade).
    #[serde(default)]
    veto_grade: Option<Spanned<String>>,
}

/// A grade and the lowest total that earns it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    pub name: String,
    pub min: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDerived {
    id: Spanned<String>,
    title_zh: String,
    /// `county` (default): over county indicators; `school`: over level-unit columns, per school and level.
    #[serde(default)]
    level: Option<Spanned<String>>,
    /// For school-level indicators: which schools count, `basic` (default) or `quality`.
    #[serde(default)]
    scope: Option<String>,
    /// A DuckDB SQL expression.
    sql: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    id: Spanned<String>,
    title_zh: String,
    #[serde(default)]
    title: String,
    key_point: Vec<RawKeyPoint>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeyPoint {
    id: Spanned<String>,
    title_zh: String,
    #[serde(default)]
    title: String,
    point: Vec<RawPoint>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPoint {
    id: Spanned<String>,
    title_zh: String,
    #[serde(default)]
    title: String,
    /// Required in a points scheme; a recognition counts items, not points.
    #[serde(default)]
    points: Option<f64>,
    metric: Spanned<String>,
    #[serde(default = "default_scoring")]
    scoring: Spanned<String>,
    #[serde(default)]
    op: Option<Spanned<String>>,
    #[serde(default)]
    threshold: Option<Spanned<toml::Value>>,
    /// For `linear`: the value that earns nothing and the value that earns every point.
    #[serde(default)]
    zero_at: Option<f64>,
    #[serde(default)]
    full_at: Option<f64>,
    #[serde(default)]
    veto: bool,
    /// Years the point applies to (default: all the scheme's years).
    #[serde(default)]
    years: Option<Spanned<[i32; 2]>>,
}

fn default_scoring() -> Spanned<String> {
    Spanned::new(0..0, "pass_fail".to_string())
}

/// What a scheme gives a county.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Points per observation point, a total, and the grade its cut points give.
    Points,
    /// A recognition (优质均衡, 基本均衡, 学前教育普及普惠): 达到 when every item holds, else 未达到 with the list of
    /// what does not (差距清单); an item without data is 待填报, never counted as held.
    Recognition,
}

/// The grades of a recognition.
pub const MET: &str = "达到";
pub const NOT_MET: &str = "未达到";
/// The verdict withheld while points lack data (待补报): neither met nor failed.
pub const PENDING: &str = "待补报";

/// How a point turns a value into points.
#[derive(Clone, Debug, PartialEq)]
pub enum Scoring {
    /// Every point when the comparison holds, none otherwise.
    PassFail { op: Op, threshold: Threshold },
    /// Points in proportion between `zero_at` (none) and `full_at` (all), clamped.
    Linear { zero_at: f64, full_at: f64 },
    /// Points in proportion to a share (0–100%).
    Share,
    /// A reported verdict: 1 earns every point, 0 none.
    Reported,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Ge,
    Le,
    /// Strictly below (低于), strictly above (高于).
    Lt,
    Gt,
    Eq,
    Between,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Ge => "≥",
            Op::Le => "≤",
            Op::Lt => "<",
            Op::Gt => ">",
            Op::Eq => "=",
            Op::Between => "between",
        }
    }
}

/// One observation point.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub id: String,
    pub area: String,
    pub key_point: String,
    pub title_zh: String,
    pub title: String,
    pub points: f64,
    pub metric: Metric,
    pub scoring: Scoring,
    pub veto: bool,
    pub years: Option<[i32; 2]>,
    /// The line of the point's `id` in the scheme file.
    pub line: usize,
}

/// A derived indicator: a DuckDB expression over county indicators, or (school level) over level-unit columns.
#[derive(Clone, Debug, PartialEq)]
pub struct Derived {
    pub id: String,
    pub title_zh: String,
    pub sql: String,
    /// The line of the expression in the scheme file.
    pub line: usize,
    /// School level: computed per level unit, measured across schools like the built-in indicators.
    pub school: bool,
    /// For school level: `basic` or `quality` scope.
    pub scope: String,
}

/// A checked scheme.
#[derive(Clone, Debug, PartialEq)]
pub struct Scheme {
    pub name: String,
    pub version: String,
    pub kind: Kind,
    pub province: Option<String>,
    /// The rules the scheme names, if any.
    pub rules: Option<String>,
    pub reported_cvs: bool,
    pub years: [i32; 2],
    pub total_points: f64,
    /// Highest first.
    pub grades: Vec<Grade>,
    pub veto_grade: String,
    pub derived: Vec<Derived>,
    pub points: Vec<Point>,
    /// Area and key-point titles by id: (Chinese, English).
    pub titles: BTreeMap<String, (String, String)>,
}

/// The two digits a province's county codes start with, for a scheme's `province` (`140000` or `14`); `None` for
/// text that is not a province code. `national` has no prefix and is handled by the caller.
fn province_prefix(province: &str) -> Option<&str> {
    if province == "national" {
        return Some("");
    }
    let digits = province.bytes().all(|b| b.is_ascii_digit());
    let code = digits && (province.len() == 2 || (province.len() == 6 && province.ends_with("0000")));
    (code && ("11".."66").contains(&&province[..2])).then(|| &province[..2])
}

/// Line (1-based) of a byte offset.
fn line_of(text: &str, span: &Range<usize>) -> usize {
    text[..span.start.min(text.len())].matches('\n').count() + 1
}

/// Problems found while parsing, as (line, message).
/// Problems of a scheme text: (line, message).
pub type Problems = Vec<(usize, String)>;

/// Why a scheme file is refused.
#[derive(Debug, thiserror::Error)]
pub enum SchemeError {
    /// It cannot be read.
    #[error("{}: {error}", path.display())]
    Unreadable { path: std::path::PathBuf, error: std::io::Error },
    /// It was read, and these lines are wrong (line, message), each shown as `file:line: message`.
    #[error("{}", problems.iter().map(|(line, m)| format!("{}:{line}: {m}", path.display())).collect::<Vec<_>>().join("\n"))]
    Refused { path: std::path::PathBuf, problems: Problems },
}

/// The scheme text, to turn spans into lines.
struct Text<'a>(&'a str);

impl Text<'_> {
    fn line<T>(&self, s: &Spanned<T>) -> usize {
        line_of(self.0, &s.span())
    }
}

impl Scheme {
    /// Parses and checks scheme text; problems come as (line, message).
    pub fn parse(text: &str) -> Result<Scheme, Problems> {
        let raw: RawScheme = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, &s)).unwrap_or(1);
            vec![(line, e.message().to_string())]
        })?;
        let t = Text(text);
        let mut problems = Vec::new();
        let mut ids = Ids::default();
        let kind = meta(&raw.scheme, &t, &mut problems);
        let derived = derived(&raw.derived, &t, &mut ids, &mut problems);
        let (grades, veto_grade, total) = grades(&raw.scheme, kind, &t, &mut problems);
        let names = (
            derived.iter().filter(|d| !d.school).map(|d| d.id.clone()).collect::<HashSet<_>>(),
            derived.iter().filter(|d| d.school).map(|d| d.id.clone()).collect::<HashSet<_>>(),
        );
        let mut points = Vec::new();
        let mut titles = BTreeMap::new();
        for area in &raw.area {
            ids.check(&area.id, &t, &mut problems);
            titles.insert(area.id.get_ref().clone(), (area.title_zh.clone(), area.title.clone()));
            for kp in &area.key_point {
                ids.check(&kp.id, &t, &mut problems);
                titles.insert(kp.id.get_ref().clone(), (kp.title_zh.clone(), kp.title.clone()));
                for p in &kp.point {
                    ids.check(&p.id, &t, &mut problems);
                    if let Some(point) = point(p, area, kp, kind, &names, &t, &mut problems) {
                        points.push(point);
                    }
                }
            }
        }
        if kind == Kind::Points {
            let sum: f64 = raw.area.iter().flat_map(|a| &a.key_point).flat_map(|k| &k.point).filter_map(|p| p.points).sum();
            if let Some(declared) = &raw.scheme.total_points
                && (sum - declared.get_ref()).abs() > 1e-9
            {
                problems.push((
                    t.line(declared),
                    format!("the points of the observation points add up to {sum}, not the declared total_points = {}", declared.get_ref()),
                ));
            }
        }
        if !problems.is_empty() {
            problems.sort();
            return Err(problems);
        }
        Ok(Scheme {
            name: raw.scheme.name,
            version: raw.scheme.version,
            kind,
            province: raw.scheme.province.map(Spanned::into_inner).filter(|p| p != "national"),
            rules: raw.scheme.rules,
            reported_cvs: raw.scheme.reported_cvs,
            years: raw.scheme.years.into_inner(),
            total_points: total,
            grades,
            veto_grade,
            derived,
            points,
            titles,
        })
    }

    /// The two digits the county codes of the scheme's province start with (`None` for a national scheme).
    pub fn province_prefix(&self) -> Option<&str> {
        self.province.as_deref().and_then(province_prefix).filter(|p| !p.is_empty())
    }

    /// The grade of a total, capped at the veto grade when a veto point failed.
    pub fn grade(&self, total: f64, vetoed: bool) -> String {
        let by_total = self.grades.iter().find(|g| total >= g.min - 1e-9).or(self.grades.last()).map(|g| g.name.clone()).unwrap_or_default();
        if !vetoed {
            return by_total;
        }
        let rank = |name: &str| self.grades.iter().position(|g| g.name == name).unwrap_or(usize::MAX);
        if rank(&by_total) < rank(&self.veto_grade) { self.veto_grade.clone() } else { by_total }
    }
}

/// Every id of a scheme must be unique.
#[derive(Default)]
struct Ids(HashSet<String>);

impl Ids {
    fn check(&mut self, id: &Spanned<String>, t: &Text<'_>, problems: &mut Problems) {
        if !self.0.insert(id.get_ref().clone()) {
            problems.push((t.line(id), format!("duplicate id {:?}", id.get_ref())));
        }
    }
}

/// The scheme's kind, years and province.
fn meta(m: &RawMeta, t: &Text<'_>, problems: &mut Problems) -> Kind {
    let kind = match m.kind.as_ref().map(|k| k.get_ref().as_str()) {
        None | Some("points") => Kind::Points,
        Some("recognition") => Kind::Recognition,
        Some(other) => {
            let k = m.kind.as_ref().expect("given");
            problems.push((t.line(k), format!("kind {other:?}: expected points or recognition")));
            Kind::Points
        }
    };
    let [first, last] = *m.years.get_ref();
    if first > last {
        problems.push((t.line(&m.years), format!("years [{first}, {last}] are reversed: write [{last}, {first}]")));
    }
    if let Some(p) = &m.province
        && province_prefix(p.get_ref()).is_none()
    {
        problems.push((t.line(p), format!("province {:?}: expected \"national\" or a province code such as 140000 (山西)", p.get_ref())));
    }
    kind
}

/// The derived indicators, checked.
fn derived(raw: &[RawDerived], t: &Text<'_>, ids: &mut Ids, problems: &mut Problems) -> Vec<Derived> {
    let mut out = Vec::new();
    // Started for the first expression: a scheme without derived indicators needs no DuckDB.
    let mut checker: Option<Result<ExpressionChecker, String>> = None;
    for d in raw {
        ids.check(&d.id, t, problems);
        if let Some(l) = &d.level
            && !matches!(l.get_ref().as_str(), "county" | "school")
        {
            problems.push((t.line(l), format!("derived {}: level {:?}: expected county or school", d.id.get_ref(), l.get_ref())));
        }
        if let Some(s) = &d.scope
            && !matches!(s.as_str(), "basic" | "quality")
        {
            problems.push((t.line(&d.id), format!("derived {}: scope {s:?}: expected basic or quality", d.id.get_ref())));
        }
        if checker.is_none() {
            checker = Some(ExpressionChecker::new().map_err(|e| e.to_string()));
        }
        let checked = match checker.as_ref() {
            Some(Ok(c)) => c.check(d.sql.get_ref()),
            Some(Err(e)) => Err(format!("an expression that can be checked (the checker failed to start: {e})")),
            None => Ok(()),
        };
        if let Err(e) = checked {
            problems.push((t.line(&d.sql), format!("derived {}: sql {:?}: expected {e}", d.id.get_ref(), d.sql.get_ref())));
        }
        out.push(Derived {
            id: d.id.get_ref().clone(),
            title_zh: d.title_zh.clone(),
            sql: d.sql.get_ref().clone(),
            line: t.line(&d.sql),
            school: d.level.as_ref().is_some_and(|l| l.get_ref() == "school"),
            scope: d.scope.clone().unwrap_or_else(|| "basic".into()),
        });
    }
    out
}

/// The grades (highest first), the veto grade and the total: cut points for a points scheme, 达到 / 未达到 for a
/// recognition.
fn grades(m: &RawMeta, kind: Kind, t: &Text<'_>, problems: &mut Problems) -> (Vec<Grade>, String, f64) {
    if kind == Kind::Recognition {
        for (given, key) in [(m.grades.as_ref().map(|g| t.line(g)), "grades"), (m.total_points.as_ref().map(|p| t.line(p)), "total_points"), (m.veto_grade.as_ref().map(|v| t.line(v)), "veto_grade")] {
            if let Some(line) = given {
                problems.push((line, format!("{key}: a recognition has the grades {MET} and {NOT_MET} and counts items, not points; drop it")));
            }
        }
        let grades = vec![Grade { name: MET.into(), min: 0.0 }, Grade { name: NOT_MET.into(), min: 0.0 }];
        return (grades, NOT_MET.into(), 0.0);
    }
    let mut grades = m.grades.as_ref().map(|g| g.get_ref().clone()).unwrap_or_default();
    grades.sort_by(|a, b| b.min.total_cmp(&a.min));
    if grades.is_empty() {
        problems.push((1, "[scheme] needs at least one grade".into()));
    }
    if m.total_points.is_none() {
        problems.push((1, "[scheme] needs total_points, the sum of the observation points' points".into()));
    }
    let veto_grade = m.veto_grade.as_ref().map(|v| v.get_ref().clone()).or_else(|| grades.last().map(|g| g.name.clone())).unwrap_or_default();
    if !grades.iter().any(|g| g.name == veto_grade) {
        problems.push((m.veto_grade.as_ref().map_or(1, |v| t.line(v)), format!("veto_grade {veto_grade:?} is not one of the grades")));
    }
    (grades, veto_grade, m.total_points.as_ref().map_or(0.0, |p| *p.get_ref()))
}

/// One observation point, checked; `None` when it is refused (its problems are recorded).
fn point(
    p: &RawPoint,
    area: &RawArea,
    kp: &RawKeyPoint,
    kind: Kind,
    names: &(HashSet<String>, HashSet<String>),
    t: &Text<'_>,
    problems: &mut Problems,
) -> Option<Point> {
    let id = p.id.get_ref();
    let line = t.line(&p.id);
    let metric = match Metric::parse(p.metric.get_ref(), &names.0, &names.1) {
        Ok(m) => m,
        Err(e) => {
            problems.push((t.line(&p.metric), format!("point {id}: {e}")));
            return None;
        }
    };
    let scoring = scoring(p, &metric, t, problems)?;
    let points = match (p.points, kind) {
        (Some(v), _) if v < 0.0 => {
            problems.push((line, format!("point {id}: points must not be negative")));
            v
        }
        (Some(v), _) => v,
        (None, Kind::Recognition) => 1.0,
        (None, Kind::Points) => {
            problems.push((line, format!("point {id}: a points scheme needs `points` on every point")));
            return None;
        }
    };
    if let Some(y) = &p.years
        && y.get_ref()[0] > y.get_ref()[1]
    {
        let [a, b] = *y.get_ref();
        problems.push((t.line(y), format!("point {id}: years [{a}, {b}] are reversed: write [{b}, {a}]")));
    }
    Some(Point {
        id: id.clone(),
        area: area.id.get_ref().clone(),
        key_point: kp.id.get_ref().clone(),
        title_zh: p.title_zh.clone(),
        title: p.title.clone(),
        points,
        metric,
        scoring,
        veto: p.veto,
        years: p.years.as_ref().map(|y| *y.get_ref()),
        line,
    })
}

/// How a point scores, checked against its metric.
fn scoring(p: &RawPoint, metric: &Metric, t: &Text<'_>, problems: &mut Problems) -> Option<Scoring> {
    let id = p.id.get_ref();
    let line = t.line(&p.id);
    let mut refuse = |at: usize, message: String| {
        problems.push((at, format!("point {id}: {message}")));
        None
    };
    match (p.scoring.get_ref().as_str(), metric) {
        (_, Metric::Reported(_)) => Some(Scoring::Reported),
        ("pass_fail", _) => {
            let op = match p.op.as_ref().map(|o| o.get_ref().as_str()) {
                Some(">=") => Some(Op::Ge),
                Some("<=") => Some(Op::Le),
                Some("<") => Some(Op::Lt),
                Some(">") => Some(Op::Gt),
                Some("=") => Some(Op::Eq),
                Some("between") => Some(Op::Between),
                None => None,
                Some(other) => return refuse(line, format!("op {other:?}: expected >=, <=, >, <, = or between")),
            };
            let written = match p.threshold.as_ref().map(|th| (Threshold::from_value(th.get_ref()), t.line(th))) {
                Some((Ok(th), _)) => Some(th),
                Some((Err(e), at)) => return refuse(at, e),
                None => None,
            };
            // Without a threshold: a verdict holds at 1, and a metric the rules set a limit on takes that limit.
            let implicit = match metric {
                Metric::Check(_) | Metric::BalanceMet { .. } => Some((Op::Ge, Threshold::Value(1.0))),
                m => m.rule_op().map(|op| (op, Threshold::Rules)),
            };
            let (op, threshold) = match (written, op, implicit) {
                (Some(th), op, _) => (op.unwrap_or(Op::Ge), th),
                (None, op, Some((natural, th))) => (op.unwrap_or(natural), th),
                (None, _, None) => return refuse(line, "a pass_fail point needs a threshold".into()),
            };
            match (&threshold, op) {
                (Threshold::Range(_), o) if o != Op::Between => refuse(line, "a [low, high] threshold needs op = \"between\"".into()),
                (Threshold::Range(_), _) => Some(Scoring::PassFail { op, threshold }),
                (_, Op::Between) => refuse(line, "op \"between\" needs threshold = [low, high]".into()),
                (th, _) => match th.unknown_keys().first() {
                    Some(k) => refuse(line, format!("threshold key {k:?}: expected default, east, central, west or from_YYYY")),
                    None => Some(Scoring::PassFail { op, threshold }),
                },
            }
        }
        ("linear", _) => match (p.zero_at, p.full_at) {
            (Some(z), Some(f)) if z != f => Some(Scoring::Linear { zero_at: z, full_at: f }),
            _ => refuse(line, "linear scoring needs zero_at and full_at, different".into()),
        },
        ("share", _) => Some(Scoring::Share),
        (other, _) => refuse(t.line(&p.scoring), format!("scoring {other:?}: expected pass_fail, linear or share")),
    }
}
