//! Deterministic synthetic data in the canonical format, at any scale.
//!
//! The generator models what makes real county data hard: a mix of school types (teaching points, nine-year and
//! complete secondary schools that must be split by level), urban–rural codes that follow school type, small
//! rural schools with large per-student areas, county-level wealth and inequality, yearly drift (enrolment moving
//! to towns, resources growing, teaching points closing), and county indicators of which some fail the funding
//! rules. The same seed gives byte-identical files; each county draws from its own stream, so a county's data does
//! not depend on how many others are generated.
//!
//! So that every verdict occurs both ways, one county in twelve is a model county (every school above the 优质均衡
//! standards, resources spread evenly, every reported item met) and one in twelve is the same but for a single
//! item (its 社会认可度 is 84%); the others are ordinary counties, with a few empty cells, some rules broken on
//! purpose, and the reported items of the 优质均衡 measures mostly, not always, met.

use std::io::Write;
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal};

use crate::error::{Error, Result};
use crate::model::{self, Table};

/// Provinces (GB/T 2260 code, name, funding region), in the order the generator uses them.
const PROVINCES: &[(&str, &str, &str)] = &[
    ("14", "山西省", "central"),
    ("33", "浙江省", "east"),
    ("62", "甘肃省", "west"),
    ("41", "河南省", "central"),
    ("37", "山东省", "east"),
    ("51", "四川省", "west"),
    ("13", "河北省", "east"),
    ("42", "湖北省", "central"),
    ("43", "湖南省", "central"),
    ("44", "广东省", "east"),
    ("45", "广西壮族自治区", "west"),
    ("32", "江苏省", "east"),
    ("34", "安徽省", "central"),
    ("36", "江西省", "central"),
    ("35", "福建省", "east"),
    ("52", "贵州省", "west"),
    ("53", "云南省", "west"),
    ("61", "陕西省", "west"),
    ("21", "辽宁省", "east"),
    ("22", "吉林省", "central"),
    ("23", "黑龙江省", "central"),
    ("15", "内蒙古自治区", "west"),
    ("50", "重庆市", "west"),
    ("46", "海南省", "east"),
    ("64", "宁夏回族自治区", "west"),
    ("63", "青海省", "west"),
    ("65", "新疆维吾尔自治区", "west"),
    ("54", "西藏自治区", "west"),
    ("11", "北京市", "east"),
    ("12", "天津市", "east"),
    ("31", "上海市", "east"),
];

const SYLLABLES: &[&str] = &[
    "安", "宝", "昌", "长", "城", "丰", "福", "富", "广", "和", "河", "华", "怀", "嘉", "江", "金", "景", "开", "康", "乐",
    "临", "龙", "隆", "明", "宁", "平", "庆", "泉", "荣", "瑞", "山", "尚", "寿", "顺", "泰", "通", "万", "文", "武", "西",
    "祥", "新", "兴", "阳", "永", "源", "远", "云", "泽", "中",
];

/// The most counties the code scheme can number: 31 provinces, prefectures 01–99, counties 21–30 in each.
pub const MAX_COUNTIES: usize = 31 * 99 * 10;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Spec {
    pub counties: usize,
    pub first_year: i32,
    pub last_year: i32,
    pub seed: u64,
    /// Write Chinese headers (the first alias of each column) instead of canonical names.
    pub chinese_headers: bool,
    /// Write GB18030 (GBK-compatible) text instead of UTF-8.
    pub gbk: bool,
}

/// Files written and rows per table.
#[derive(Debug, Default)]
pub struct Written {
    pub files: Vec<PathBuf>,
    pub counties: usize,
    pub schools: usize,
    pub indicators: usize,
}

/// What kind of county the generator makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Profile {
    Ordinary,
    /// Meets 优质均衡 in every item.
    Model,
    /// A model county that misses 优质均衡 by a single item (社会认可度 84%).
    NearMiss,
}

fn profile(i: usize) -> Profile {
    match i % 12 {
        3 => Profile::Model,
        7 => Profile::NearMiss,
        _ => Profile::Ordinary,
    }
}

struct County {
    profile: Profile,
    code: String,
    name: String,
    prefecture_code: String,
    prefecture_name: String,
    province_code: String,
    province_name: String,
    region: &'static str,
    /// Relative wealth: scales money and, more weakly, space.
    wealth: f64,
    /// Spread of school resources around the county level (log-normal sigma).
    inequality: f64,
    /// Yearly growth of resources.
    growth: f64,
    /// Pupils counted for budget spending per compulsory pupil (preschool and senior secondary added): fixed per
    /// county, so per-student spending moves with spending and enrolment, not with noise.
    budget_pupils_factor: f64,
    schools: Vec<School>,
    rng: ChaCha8Rng,
}

#[derive(Clone)]
struct School {
    id: String,
    name: String,
    kind: &'static str,
    urban_rural: i64,
    open: bool,
    students: [f64; 3],
    /// Per-school multiplier of resources (how well equipped this school is).
    endowment: f64,
    teaching_area: f64,
    sports_area: f64,
    indoor_sports: Option<f64>,
    equipment: f64,
    computers: f64,
    books: f64,
    multimedia: f64,
    music: f64,
    art: f64,
    /// Teachers per level (primary, junior): total, degree, titled, backbone, pe/art.
    teachers: [[f64; 5]; 2],
    boarders: f64,
    /// Public funds received as a share of what the floors require (below 1: under-funded).
    funding: f64,
    /// Cells this school leaves empty (column names), as real returns do now and then.
    empty: Vec<&'static str>,
}

/// Writes counties.csv, schools_YEAR.csv for each year and county_indicators.csv into `dir`.
pub fn generate(dir: &Path, spec: &Spec) -> Result<Written> {
    if spec.counties == 0 {
        return Err(Error::usage("--counties must be at least 1"));
    }
    if spec.counties > MAX_COUNTIES {
        return Err(Error::usage(format!(
            "--counties {}: at most {MAX_COUNTIES} (31 provinces × 99 prefectures × 10 county numbers; a county code has 6 digits)",
            spec.counties
        )));
    }
    if spec.first_year > spec.last_year
        || (spec.first_year as i64) < model::YEAR_RANGE.0
        || (spec.last_year as i64) > model::YEAR_RANGE.1
    {
        return Err(Error::usage(format!(
            "--years must be FIRST-LAST within {}-{}",
            model::YEAR_RANGE.0,
            model::YEAR_RANGE.1
        )));
    }
    std::fs::create_dir_all(dir)?;
    let mut counties = make_counties(spec);
    let mut written = Written { counties: counties.len(), ..Default::default() };

    let path = dir.join("counties.csv");
    let mut w = Writer::create(&path, spec)?;
    w.header(Table::Counties)?;
    for c in &counties {
        w.row(&[&c.code, &c.name, &c.prefecture_code, &c.prefecture_name, &c.province_code, &c.province_name, c.region])?;
    }
    w.finish()?;
    written.files.push(path);

    let ind_path = dir.join("county_indicators.csv");
    let mut ind = Writer::create(&ind_path, spec)?;
    ind.header_named(&["year", "county_code", "indicator", "value", "unit"], Table::CountyIndicators)?;
    let mut history: Vec<Option<(f64, f64)>> = vec![None; counties.len()];
    for year in spec.first_year..=spec.last_year {
        let path = dir.join(format!("schools_{year}.csv"));
        let mut w = Writer::create(&path, spec)?;
        w.header(Table::Schools)?;
        for (ci, c) in counties.iter_mut().enumerate() {
            if year > spec.first_year {
                drift(c);
            }
            for s in c.schools.iter().filter(|s| s.open) {
                write_school(&mut w, year, c, s)?;
                written.schools += 1;
            }
            written.indicators += write_indicators(&mut ind, year, c, &mut history[ci])?;
        }
        w.finish()?;
        written.files.push(path);
    }
    ind.finish()?;
    written.files.push(ind_path);
    Ok(written)
}

fn county_rng(seed: u64, index: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index as u64 + 1);
    rng
}

/// Where county `i` of `n` sits: the number of provinces used, its province (index into [`PROVINCES`]), its
/// prefecture number and its county number.
fn numbering(i: usize, n: usize) -> (usize, usize, usize, usize) {
    let n_provinces = n.div_ceil(92).max(n.div_ceil(10).min(3)).min(PROVINCES.len());
    let k = i / n_provinces; // index of the county within its province
    let pref = k / 10 + 1; // ten counties per prefecture, numbered 01..
    let num = k % 10 + 21; // counties numbered 21..30: never a real district (01–20) or city (81+) number
    (n_provinces, i % n_provinces, pref, num)
}

fn make_counties(spec: &Spec) -> Vec<County> {
    let n = spec.counties;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (n_provinces, p, pref, num) = numbering(i, n);
        let (pcode, pname, region) = PROVINCES[p];
        let mut rng = county_rng(spec.seed, i);
        let region_wealth = match region {
            "east" => 1.3,
            "central" => 1.0,
            _ => 0.85,
        };
        let wealth = region_wealth * LogNormal::new(0.0, 0.25).expect("valid").sample(&mut rng);
        let inequality = rng.random_range(0.15..0.85);
        let growth = rng.random_range(0.01..0.07);
        let urbanisation = rng.random_range(0.15..0.65);
        let syl = |j: usize| SYLLABLES[j % SYLLABLES.len()];
        let h = i * 7 + 3;
        let name = format!("{}{}县", syl(h), syl(h / SYLLABLES.len() + i + 11));
        let pref_name = format!("{}{}市", syl(pref * 13 + pcode.len() * 5 + i % n_provinces), syl(pref * 3 + 29));
        let code = format!("{pcode}{pref:02}{num:02}");
        let mut county = County {
            profile: profile(i),
            code: code.clone(),
            name,
            prefecture_code: format!("{pcode}{pref:02}00"),
            prefecture_name: pref_name,
            province_code: format!("{pcode}0000"),
            province_name: pname.to_string(),
            region,
            wealth,
            inequality,
            growth,
            budget_pupils_factor: 1.25 + ((i * 7919) % 21) as f64 / 100.0,
            schools: Vec::new(),
            rng,
        };
        if county.profile == Profile::Ordinary {
            make_schools(&mut county, urbanisation);
        } else {
            make_model_schools(&mut county);
        }
        out.push(county);
    }
    out
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, weighted: &'a [(T, f64)]) -> &'a T {
    let total: f64 = weighted.iter().map(|w| w.1).sum();
    let mut x = rng.random_range(0.0..total);
    for (v, w) in weighted {
        if x < *w {
            return v;
        }
        x -= w;
    }
    &weighted[weighted.len() - 1].0
}

fn make_schools(c: &mut County, urbanisation: f64) {
    let rng = &mut c.rng;
    let n = rng.random_range(25..=115);
    let kinds: [(&str, f64); 7] = [
        ("primary", 46.0),
        ("teaching_point", 22.0),
        ("junior", 16.0),
        ("nine_year", 10.0),
        ("complete_secondary", 3.5),
        ("twelve_year", 1.0),
        ("special", 1.5),
    ];
    for j in 0..n {
        let kind = *pick(rng, &kinds);
        // Teaching points are village schools; juniors and complete secondaries sit in towns and cities.
        let urban_rural = match kind {
            "teaching_point" => *pick(rng, &[(220, 0.8), (210, 0.2)]),
            "junior" | "complete_secondary" | "twelve_year" | "special" => {
                *pick(rng, &[(111, urbanisation), (112, 0.1), (121, 0.5), (122, 0.1), (123, 0.02), (210, 0.25)])
            }
            _ => *pick(
                rng,
                &[(111, urbanisation * 0.6), (112, 0.08), (121, 0.35), (122, 0.1), (123, 0.02), (210, 0.35), (220, 0.3)],
            ),
        };
        let size = match urban_rural {
            111 | 112 => 1.9,
            121..=123 => 1.0,
            _ => 0.45,
        };
        let students = enrolment(rng, kind, size);
        let endowment = LogNormal::new(0.0, c.inequality).expect("valid").sample(rng)
            * match urban_rural {
                111 | 112 => 1.08,
                121..=123 => 1.0,
                _ => 0.88,
            };
        let mut s = School {
            endowment,
            boarders: if urban_rural >= 210 && kind != "teaching_point" { (students.iter().sum::<f64>() * rng.random_range(0.1..0.5)).round() } else { 0.0 },
            funding: if rng.random_bool(0.08) { rng.random_range(0.7..0.97) } else { rng.random_range(1.0..1.3) },
            empty: if rng.random_bool(0.02) {
                vec![*pick(rng, &[("books", 1.0), ("computers", 1.0), ("junior_titled_teachers", 0.5), ("public_funds_received_yuan", 1.0)])]
            } else {
                Vec::new()
            },
            ..School::unequipped(&c.code, &c.name, j, kind, urban_rural, students)
        };
        equip(&mut s, c.wealth, rng);
        if rng.random_bool(0.3) {
            s.indoor_sports = Some(s.teaching_area * rng.random_range(0.03..0.1));
        }
        c.schools.push(s);
    }
}

/// The pupils of a new school of `kind` (primary, junior, senior), scaled by where it is.
fn enrolment(rng: &mut ChaCha8Rng, kind: &str, size: f64) -> [f64; 3] {
    let ln = |rng: &mut ChaCha8Rng, mean: f64, sigma: f64| LogNormal::new(mean.ln(), sigma).expect("valid").sample(rng);
    match kind {
        "primary" => [ln(rng, 650.0 * size, 0.5), 0.0, 0.0],
        "teaching_point" => [rng.random_range(8.0..95.0), 0.0, 0.0],
        "junior" => [0.0, ln(rng, 800.0 * size, 0.45), 0.0],
        "nine_year" => [ln(rng, 450.0 * size, 0.5), ln(rng, 300.0 * size, 0.5), 0.0],
        "complete_secondary" => [0.0, ln(rng, 700.0 * size, 0.4), ln(rng, 900.0 * size, 0.4)],
        "twelve_year" => [ln(rng, 500.0 * size, 0.4), ln(rng, 400.0 * size, 0.4), ln(rng, 400.0 * size, 0.4)],
        _ => [rng.random_range(30.0..90.0), rng.random_range(10.0..50.0), 0.0],
    }
}

/// What a school of `kind` is called after its number (1小学, 2教学点 …).
fn kind_name(kind: &str) -> &'static str {
    match kind {
        "primary" => "小学",
        "teaching_point" => "教学点",
        "junior" => "中学",
        "nine_year" => "九年一贯制学校",
        "complete_secondary" => "完全中学",
        "twelve_year" => "十二年一贯制学校",
        _ => "特殊教育学校",
    }
}

/// The schools of a model county: no teaching points, moderate sizes, every school above every 优质均衡 standard by
/// 12–35%, so that every CV stays far below its limit and every school passes the school rule.
fn make_model_schools(c: &mut County) {
    let rng = &mut c.rng;
    let n = rng.random_range(20..=40);
    let kinds: [(&str, f64); 4] = [("primary", 55.0), ("junior", 25.0), ("nine_year", 18.0), ("special", 2.0)];
    for j in 0..n {
        let kind = *pick(rng, &kinds);
        let urban_rural = *pick(rng, &[(111, 0.3), (121, 0.4), (210, 0.3)]);
        let ln = |rng: &mut ChaCha8Rng, mean: f64| LogNormal::new(mean.ln(), 0.3).expect("valid").sample(rng).min(1800.0);
        let students = match kind {
            "primary" => [ln(rng, 600.0), 0.0, 0.0],
            "junior" => [0.0, ln(rng, 700.0), 0.0],
            "nine_year" => [ln(rng, 400.0), ln(rng, 300.0), 0.0],
            _ => [rng.random_range(30.0..90.0), rng.random_range(10.0..50.0), 0.0],
        };
        let mut s = School {
            boarders: if urban_rural == 210 { (students.iter().sum::<f64>() * 0.2).round() } else { 0.0 },
            funding: rng.random_range(1.02..1.2),
            ..School::unequipped(&c.code, &c.name, j, kind, urban_rural, students)
        };
        equip_model(&mut s, rng);
        c.schools.push(s);
    }
}

/// A whole-school resource that gives each level at least `f` times its standard per pupil: combined schools are
/// split 1 : 1.1 by enrolment, so the weighted enrolment carries the larger of the two needs.
fn whole(p: f64, j: f64, standard_p: f64, standard_j: f64, f: f64) -> f64 {
    if p > 0.0 && j > 0.0 { (p + 1.1 * j) * standard_p.max(standard_j / 1.1) * f } else { (p * standard_p + j * standard_j) * f }
}

/// Equips a model-county school above every standard (the national 优质均衡 standards and the basic indicators).
fn equip_model(s: &mut School, rng: &mut ChaCha8Rng) {
    let [p, j, _] = s.students.map(|x| x.round());
    let mut f = || rng.random_range(1.12..1.35);
    s.teaching_area = whole(p, j, 4.5, 5.8, f());
    s.sports_area = whole(p, j, 7.5, 10.2, f());
    s.equipment = whole(p, j, 2000.0, 2500.0, f());
    s.computers = whole(p, j, 0.12, 0.14, f()).ceil();
    s.books = whole(p, j, 30.0, 40.0, f()).ceil();
    s.multimedia = (whole(p, j, 2.3, 2.4, f()) / 100.0).ceil();
    let classes = (p / 40.0).ceil() + (j / 45.0).ceil();
    s.music = (classes / 12.0).ceil();
    s.art = (classes / 12.0).ceil();
    for (level, n, ratio, degree) in [(0, p, 17.0, 4.2), (1, j, 13.0, 5.3)] {
        if n <= 0.0 {
            s.teachers[level] = [0.0; 5];
            continue;
        }
        let t = (n / ratio * f()).ceil();
        s.teachers[level] = [
            t,
            (n * degree / 100.0 * f()).ceil().min(t),
            (t * 0.5).round(),
            (n / 100.0 * f()).ceil().min(t),
            (n * 0.9 / 100.0 * f()).ceil().min(t),
        ];
    }
}

/// The largest endowment resources are computed from: five times the typical school.
const MAX_ENDOWMENT: f64 = 5.0;

impl School {
    /// School `j` of a county, of `kind`, before it is equipped: no resources, an average endowment, no
    /// boarders, funded as the floors require, every cell reported.
    fn unequipped(code: &str, county: &str, j: usize, kind: &'static str, urban_rural: i64, students: [f64; 3]) -> School {
        School {
            id: format!("{code}{:05}", j + 1),
            name: format!("{county}第{}{}", j + 1, kind_name(kind)),
            kind,
            urban_rural,
            open: true,
            students,
            endowment: 1.0,
            teaching_area: 0.0,
            sports_area: 0.0,
            indoor_sports: None,
            equipment: 0.0,
            computers: 0.0,
            books: 0.0,
            multimedia: 0.0,
            music: 0.0,
            art: 0.0,
            teachers: [[0.0; 5]; 2],
            boarders: 0.0,
            funding: 1.0,
            empty: Vec::new(),
        }
    }
}

/// Sets a school's resources from its enrolment: a per-student part scaled by the school's endowment and the
/// county's wealth, plus a fixed part, so that small schools have more space per student (as real ones do).
fn equip(s: &mut School, wealth: f64, rng: &mut ChaCha8Rng) {
    let [p, j, h] = s.students;
    let all = p + j + h;
    // However rich a school's endowment has grown, real schools stay within a few times the typical resources
    // per pupil (and within the bounds of datasets/README.md).
    let e = s.endowment.min(MAX_ENDOWMENT);
    let noise = |rng: &mut ChaCha8Rng| LogNormal::new(0.0, 0.12).expect("valid").sample(rng);
    s.teaching_area = (p * 4.6 + j * 6.0 + h * 6.5) * e * wealth.powf(0.3) * noise(rng) + 250.0 * e;
    s.sports_area = (p * 7.0 + j * 9.5 + h * 10.0) * e * wealth.powf(0.2) * noise(rng) + 600.0 * e;
    s.equipment = (p * 1900.0 + j * 2500.0 + h * 3000.0) * e * wealth * noise(rng) + 20000.0 * e;
    s.computers = ((all * 0.12) * e * wealth.powf(0.5) * noise(rng) + 3.0).round();
    s.books = ((p * 28.0 + j * 38.0 + h * 45.0) * e * noise(rng) + 500.0).round();
    s.multimedia = ((all * 0.024) * e * noise(rng) + 1.0).round();
    let classes = (p / 40.0).ceil() + (j / 45.0).ceil() + (h / 50.0).ceil();
    s.music = ((classes / 12.0) * e * noise(rng)).round().max(if all > 200.0 { 1.0 } else { 0.0 });
    s.art = ((classes / 12.0) * e * noise(rng)).round().max(if all > 200.0 { 1.0 } else { 0.0 });
    for (level, students, ratio, degree, titled) in [(0, p, 17.0, 0.9, 0.45), (1, j, 13.0, 0.82, 0.5)] {
        if students <= 0.0 {
            s.teachers[level] = [0.0; 5];
            continue;
        }
        let t = (students / ratio * e.powf(0.5) * noise(rng)).round().max(2.0);
        let share = |x: f64, rng: &mut ChaCha8Rng| (t * (x * e.powf(0.3) * noise(rng)).min(1.0)).round();
        s.teachers[level] = [
            t,
            share(degree, rng),
            share(titled, rng),
            (students * 0.011 * e * noise(rng)).round().min(t),
            (students * 0.0095 * e * noise(rng)).round().min(t),
        ];
    }
}

/// One year passes: enrolment moves from villages to towns, teaching points close, resources grow.
fn drift(c: &mut County) {
    let rng = &mut c.rng;
    let growth = c.growth;
    let wealth = c.wealth;
    if c.profile != Profile::Ordinary {
        // A model county keeps its schools, a little fuller or emptier each year, and re-equips them.
        for s in c.schools.iter_mut() {
            for x in s.students.iter_mut() {
                *x *= 1.0 + rng.random_range(-0.01..0.01);
            }
            equip_model(s, rng);
        }
        return;
    }
    for s in c.schools.iter_mut().filter(|s| s.open) {
        let trend = match s.urban_rural {
            111 | 112 => 0.02,
            121..=123 => 0.0,
            _ => -0.04,
        };
        let change = Normal::<f64>::new(trend, 0.05).expect("valid").sample(rng).exp();
        for x in s.students.iter_mut() {
            *x *= change;
        }
        if s.kind == "teaching_point" && (s.students[0] < 12.0 || rng.random_bool(0.04)) {
            s.open = false;
            continue;
        }
        s.endowment *= 1.0 + growth * rng.random_range(0.3..1.7);
        equip(s, wealth, rng);
        if let Some(x) = s.indoor_sports.as_mut() {
            *x *= 1.0 + growth;
        }
    }
    c.wealth *= 1.0 + growth * 0.5;
}

fn fmt_area(x: f64) -> String {
    format!("{:.1}", x)
}

fn fmt_count(x: f64) -> String {
    format!("{}", x.round().max(0.0) as i64)
}

/// The 生均公用经费 floor of a level for a county (domain reference §6): the national one (2016 中西部 600 / 800,
/// 东部 650 / 850, from 2017 650 / 850 everywhere), or its province's own where the rules every command applies by
/// default hold a higher one (Shanxi from 2021: 930 / 1,180), so that a model county is funded as its own province
/// requires.
fn floor_of(province: &str, region: &str, year: i32, junior: bool) -> f64 {
    static RULES: std::sync::OnceLock<crate::rules::Rules> = std::sync::OnceLock::new();
    let rules = RULES.get_or_init(crate::rules::Rules::default_rules);
    let base = if junior { 800.0 } else { 600.0 };
    let national = if year >= 2017 || region == "east" { base + 50.0 } else { base };
    let level = if junior { "junior" } else { "primary" };
    rules.standards.floor(province, region, level, year).map_or(national, |f| f.amount.max(national))
}

fn write_school(w: &mut Writer, year: i32, c: &County, s: &School) -> Result<()> {
    let [p, j, h] = s.students.map(|x| x.round());
    let classes = |n: f64, size: f64| if n > 0.0 { (n / size).ceil() } else { 0.0 };
    // Largest classes: a little above the average class (ordinary counties break the limits now and then); a model
    // county keeps them within 45 and 50.
    let model = c.profile != Profile::Ordinary;
    let largest = |n: f64, size: f64, limit: f64| {
        if n <= 0.0 {
            return None;
        }
        let avg = (n / classes(n, size)).min(n);
        Some(if model { (avg * 1.05).min(limit - 1.0) } else { avg * 1.15 })
    };
    let (lp, lj) = (largest(p, 40.0, 45.0), largest(j, 45.0, 50.0));
    let combined = matches!(s.kind, "nine_year" | "twelve_year");
    // Combined schools of a model county report each level; others only their largest class overall.
    let (max_class, max_p, max_j) = if combined && (model || s.id.ends_with('1')) {
        (None, lp, lj)
    } else {
        (lp.into_iter().chain(lj).reduce(f64::max), None, None)
    };
    let pupils = p + j;
    let scale = if pupils > 0.0 && pupils < 100.0 { 100.0 / pupils } else { 1.0 };
    let required = (floor_of(&c.province_code, c.region, year, false) * p + floor_of(&c.province_code, c.region, year, true) * j) * scale + 200.0 * s.boarders;
    let t = |level: usize, k: usize| fmt_count(s.teachers[level][k]);
    let opt = |x: Option<f64>| x.map(fmt_count).unwrap_or_default();
    let mut row: Vec<(&str, String)> = vec![
        ("year", year.to_string()),
        ("county_code", c.code.clone()),
        ("school_id", s.id.clone()),
        ("school_name", s.name.clone()),
        ("school_type", s.kind.to_string()),
        ("urban_rural_code", s.urban_rural.to_string()),
        ("primary_students", fmt_count(p)),
        ("junior_students", fmt_count(j)),
        ("senior_students", fmt_count(h)),
        ("primary_classes", fmt_count(classes(p, 40.0))),
        ("junior_classes", fmt_count(classes(j, 45.0))),
        ("max_class_size", opt(max_class)),
        ("teaching_area_m2", fmt_area(s.teaching_area)),
        ("sports_area_m2", fmt_area(s.sports_area)),
        ("equipment_value_yuan", format!("{:.0}", s.equipment)),
        ("computers", fmt_count(s.computers)),
        ("books", fmt_count(s.books)),
        ("multimedia_rooms", fmt_count(s.multimedia)),
        ("music_rooms", fmt_count(s.music)),
        ("art_rooms", fmt_count(s.art)),
        ("indoor_sports_area_m2", s.indoor_sports.map(fmt_area).unwrap_or_default()),
        ("primary_teachers", t(0, 0)),
        ("primary_degree_teachers", t(0, 1)),
        ("primary_titled_teachers", t(0, 2)),
        ("primary_backbone_teachers", t(0, 3)),
        ("primary_pe_art_teachers", t(0, 4)),
        ("junior_teachers", t(1, 0)),
        ("junior_degree_teachers", t(1, 1)),
        ("junior_titled_teachers", t(1, 2)),
        ("junior_backbone_teachers", t(1, 3)),
        ("junior_pe_art_teachers", t(1, 4)),
        ("primary_max_class_size", opt(max_p)),
        ("junior_max_class_size", opt(max_j)),
        ("boarders", fmt_count(s.boarders)),
        ("public_funds_received_yuan", if s.kind == "special" { String::new() } else { format!("{:.0}", required * s.funding) }),
    ];
    for (name, value) in row.iter_mut() {
        if s.empty.contains(name) {
            value.clear();
        }
    }
    // In the order of the header, which is the data contract's.
    let cells: Vec<&str> = Table::Schools
        .columns()
        .iter()
        .map(|col| row.iter().find(|(n, _)| *n == col.name).map(|(_, v)| v.as_str()).expect("every column written"))
        .collect();
    w.row(&cells)
}

/// County indicators for one year. `last` carries (spending, students) of the previous year, so spending follows
/// the schools' enrolment and a few county-years break the 两个只增不减 rule on purpose; a model county keeps every
/// rule and reports every item met (a near miss all but its 社会认可度).
fn write_indicators(w: &mut Writer, year: i32, c: &mut County, last: &mut Option<(f64, f64)>) -> Result<usize> {
    let model = c.profile != Profile::Ordinary;
    let (province, region) = (c.province_code.clone(), c.region);
    let rng = &mut c.rng;
    let school_students: f64 = c.schools.iter().filter(|s| s.open).map(|s| s.students.iter().sum::<f64>()).sum();
    let students = (school_students * c.budget_pupils_factor).round();
    let base_per_student = 9000.0 * c.wealth;
    let spending = match *last {
        None => students * base_per_student,
        Some((prev, _)) if model => prev * (1.0 + rng.random_range(0.03..0.08)),
        Some((prev, _)) => {
            let change = if rng.random_bool(0.06) { rng.random_range(-0.05..-0.005) } else { rng.random_range(0.0..0.12) };
            prev * (1.0 + change)
        }
    };
    *last = Some((spending, students));
    let per_student = spending / students;
    let floor = |junior: bool| floor_of(&province, region, year, junior);
    let (std_p, std_j) = if !model && rng.random_bool(0.05) {
        (floor(false) - 20.0, floor(true) - 30.0)
    } else {
        ((floor(false) + rng.random_range(0..5) as f64 * 70.0).round(), (floor(true) + rng.random_range(0..5) as f64 * 90.0).round())
    };
    let required = students * 0.7 * 0.6 * (std_p + std_j) / 2.0 * 0.2;
    let paid = if !model && rng.random_bool(0.05) { required * rng.random_range(0.7..0.98) } else { required };
    let salary = 52000.0 * c.wealth * rng.random_range(0.95..1.05) * (1.0 + 0.04 * (year - 2015) as f64);
    // Teachers are paid at least as much as civil servants in most county-years, not all.
    let civil = salary * if model { rng.random_range(0.9..0.99) } else { rng.random_range(0.9..1.03) };
    // A rate: met (in its usual range) unless the county misses it now and then.
    let rate = |rng: &mut ChaCha8Rng, lo: f64, hi: f64, miss: f64, below: f64| {
        if !model && rng.random_bool(miss) { below * rng.random_range(0.8..0.99) } else { rng.random_range(lo..hi) }
    };
    let recognition = if c.profile == Profile::NearMiss { 84.2 } else { rate(rng, 85.5, 98.5, 0.15, 85.0) };
    let mut rows: Vec<(&str, String, &str)> = vec![
        ("edu_budget_expenditure", format!("{:.0}", spending), "元"),
        ("edu_budget_students", format!("{:.0}", students), "人"),
        ("public_funds_standard_primary", format!("{:.0}", std_p), "元"),
        ("public_funds_standard_junior", format!("{:.0}", std_j), "元"),
        ("public_funds_standard_special", if model || rng.random_bool(0.9) { "6000".into() } else { "5000".into() }, "元"),
        ("county_matching_required", format!("{:.0}", required), "元"),
        ("county_matching_paid", format!("{:.0}", paid), "元"),
        ("preschool_gross_enrolment_rate", format!("{:.2}", rate(rng, 86.0, 99.5, 0.15, 85.0)), "%"),
        ("puhui_coverage_rate", format!("{:.2}", rate(rng, 81.0, 98.0, 0.15, 80.0)), "%"),
        ("public_kindergarten_share", format!("{:.2}", rate(rng, 51.0, 88.0, 0.2, 50.0)), "%"),
        ("teacher_avg_salary", format!("{:.0}", salary), "元"),
        ("civil_servant_avg_salary", format!("{:.0}", civil), "元"),
        ("junior_retention_rate", format!("{:.2}", rate(rng, 95.2, 100.0, 0.1, 95.0)), "%"),
        ("disabled_enrolment_rate", format!("{:.2}", rate(rng, 95.2, 100.0, 0.1, 95.0)), "%"),
        ("social_recognition_rate", format!("{:.2}", recognition), "%"),
    ];
    // Most counties also state per-student spending themselves, rounded to the yuan as reports do; model counties
    // every year (the rules judge 两个只增不减 on the reported figure).
    if model || rng.random_bool(0.7) {
        rows.push(("edu_expenditure_per_student", format!("{:.0}", per_student), "元"));
    }
    quality_items(rng, model, &c.code, &mut rows);
    let year_s = year.to_string();
    for (id, value, unit) in &rows {
        w.row(&[&year_s, &c.code, id, value, unit])?;
    }
    Ok(rows.len())
}

/// The items of 优质均衡 a county reports. Some are missing now and then: an item without data is 待填报.
fn quality_items(rng: &mut ChaCha8Rng, model: bool, code: &str, rows: &mut Vec<(&str, String, &str)>) {
    let rate = |rng: &mut ChaCha8Rng, lo: f64, hi: f64, miss: f64, below: f64| {
        if !model && rng.random_bool(miss) { below * rng.random_range(0.8..0.99) } else { rng.random_range(lo..hi) }
    };
    let reported = [
        ("teacher_training_completion_rate", 100.0, 0.1, "%"),
        ("certified_teacher_rate", 100.0, 0.08, "%"),
        ("nearby_enrolment_rate_primary", 100.0, 0.1, "%"),
    ];
    for (id, full, miss, unit) in reported {
        let v = if !model && rng.random_bool(miss) { full - rng.random_range(0.5..4.0) } else { full };
        rows.push((id, format!("{v:.1}"), unit));
    }
    let rates = [
        ("teacher_rotation_rate", 10.0, 18.0, 0.12),
        ("backbone_rotation_share", 20.0, 35.0, 0.12),
        ("nearby_enrolment_rate_junior", 95.0, 100.0, 0.1),
        ("quota_allocation_share", 50.0, 65.0, 0.12),
        ("migrant_children_public_share", 85.0, 98.0, 0.1),
        ("training_funds_share", 5.0, 8.0, 0.1),
    ];
    for (id, lo, hi, miss) in rates {
        let v = rate(rng, lo + 0.2, hi, miss, lo);
        rows.push((id, format!("{v:.1}"), "%"));
    }
    let flags = [
        "school_layout_plan", "school_standard_compliance", "staffing_coordination", "school_charter", "ict_teaching",
        "moral_education", "curriculum_complete", "no_excess_burden", "no_exam_admission", "no_irregular_school_choice",
        "no_key_schools", "no_paid_tutoring", "no_major_incidents", "no_falsification",
    ];
    for id in flags {
        let v = if !model && rng.random_bool(0.04) { "0" } else { "1" };
        rows.push((id, v.into(), "0/1"));
    }
    let level = if !model && rng.random_bool(0.1) { 2.0 } else { 3.0 };
    rows.push(("quality_monitoring_level", format!("{level}"), "级"));
    let difference = if !model && rng.random_bool(0.1) { rng.random_range(0.15..0.25) } else { rng.random_range(0.04..0.14) };
    rows.push(("quality_monitoring_difference_rate", format!("{difference:.2}"), "1"));
    let recognised = if model { 2015 } else { 2013 + (code.as_bytes()[5] % 8) as i32 };
    rows.push(("basic_balance_recognised_year", recognised.to_string(), "年"));
}

/// A CSV writer in the requested header language and encoding.
struct Writer {
    out: csv::Writer<Encoded>,
    path: PathBuf,
    chinese: bool,
}

/// The file under a CSV writer: passes UTF-8 through, or re-encodes it as GB18030 (whole characters only).
struct Encoded {
    file: std::io::BufWriter<std::fs::File>,
    gbk: bool,
    pending: Vec<u8>,
}

impl Write for Encoded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.gbk {
            return self.file.write(buf);
        }
        self.pending.extend_from_slice(buf);
        let valid = match std::str::from_utf8(&self.pending) {
            Ok(s) => s.len(),
            Err(e) => e.valid_up_to(),
        };
        let text = std::str::from_utf8(&self.pending[..valid]).expect("checked above");
        self.file.write_all(&encoding_rs::GB18030.encode(text).0)?;
        self.pending.drain(..valid);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Writer {
    fn create(path: &Path, spec: &Spec) -> Result<Writer> {
        let file = std::fs::File::create(path).map_err(|e| Error::other(format!("{}: {e}", path.display())))?;
        let sink = Encoded { file: std::io::BufWriter::new(file), gbk: spec.gbk, pending: Vec::new() };
        Ok(Writer { out: csv::Writer::from_writer(sink), path: path.to_path_buf(), chinese: spec.chinese_headers })
    }

    fn header(&mut self, table: Table) -> Result<()> {
        let names: Vec<&str> = table.columns().iter().map(|c| c.name).collect();
        self.header_named(&names, table)
    }

    fn header_named(&mut self, names: &[&str], table: Table) -> Result<()> {
        let shown: Vec<&str> = names
            .iter()
            .map(|n| if self.chinese { table.column(n).map_or(*n, |c| c.zh[0]) } else { n })
            .collect();
        self.row(&shown)
    }

    fn row(&mut self, fields: &[&str]) -> Result<()> {
        self.out.write_record(fields).map_err(|e| Error::Other(e.into()))
    }

    fn finish(mut self) -> Result<()> {
        let fail = |e: std::io::Error| Error::other(format!("{}: {e}", self.path.display()));
        self.out.flush().map_err(fail)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(counties: usize) -> Spec {
        Spec { counties, first_year: 2020, last_year: 2021, seed: 7, chinese_headers: false, gbk: false }
    }

    #[test]
    fn the_same_seed_gives_the_same_files() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        generate(a.path(), &spec(3)).unwrap();
        generate(b.path(), &spec(3)).unwrap();
        for f in ["counties.csv", "schools_2020.csv", "schools_2021.csv", "county_indicators.csv"] {
            assert_eq!(std::fs::read(a.path().join(f)).unwrap(), std::fs::read(b.path().join(f)).unwrap(), "{f}");
        }
    }

    #[test]
    fn a_county_does_not_depend_on_how_many_others_there_are() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        generate(a.path(), &spec(2)).unwrap();
        generate(b.path(), &spec(40)).unwrap();
        let first_county_rows = |dir: &Path| {
            let text = std::fs::read_to_string(dir.join("schools_2021.csv")).unwrap();
            let code = text.lines().nth(1).unwrap().split(',').nth(1).unwrap().to_string();
            text.lines().filter(|l| l.split(',').nth(1) == Some(code.as_str())).map(String::from).collect::<Vec<_>>()
        };
        assert_eq!(first_county_rows(a.path()), first_county_rows(b.path()));
    }

    #[test]
    fn codes_are_well_formed_and_never_collide_with_gaoping() {
        let counties = make_counties(&Spec { counties: 400, ..spec(1) });
        let mut codes: Vec<&str> = counties.iter().map(|c| c.code.as_str()).collect();
        assert!(codes.iter().all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit())));
        assert!(!codes.contains(&"140581"));
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 400);
    }

    #[test]
    fn generate_refuses_more_counties_than_six_digit_codes_can_number() {
        // The largest count still numbers every county with 6 digits (prefectures up to 99) …
        let (_, _, pref, num) = numbering(MAX_COUNTIES - 1, MAX_COUNTIES);
        assert_eq!((pref, num), (99, 30));
        // … one more would need a prefecture 100 (a 7-digit code): refused before anything is written.
        assert_eq!(numbering(MAX_COUNTIES, MAX_COUNTIES + 1).2, 100);
        let dir = tempfile::tempdir().unwrap();
        let err = generate(&dir.path().join("x"), &spec(30_700)).unwrap_err();
        assert!(matches!(&err, Error::Usage(m) if m.contains("at most 30690")), "{err}");
        assert!(!dir.path().join("x").exists());
    }
}
