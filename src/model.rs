//! The data contract: the three canonical input tables, their columns, Chinese header aliases, accepted codes
//! and the catalogue of county indicators.
//!
//! Everything that decides what a valid input file looks like lives here, as data, so that `datasets/README.md`,
//! the validator and the warehouse DDL cannot drift apart: the DDL is generated from these specs.

/// What a column holds, which decides how a cell is parsed and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Free text, trimmed.
    Text,
    /// A 6-digit administrative code (GB/T 2260), kept as a string.
    CountyCode,
    /// A code of 2 to 6 digits (province or prefecture code), kept as a string.
    AreaCode,
    /// A calendar year within [`YEAR_RANGE`].
    Year,
    /// A non-negative whole number (students, rooms, teachers, books).
    Count,
    /// A non-negative real number (areas, money).
    Amount,
    /// Any real number (county indicator values; sign rules come from the catalogue).
    Number,
    /// One of [`SCHOOL_TYPES`], in English or Chinese.
    SchoolType,
    /// One of [`URBAN_RURAL_CODES`].
    UrbanRural,
    /// One of [`REGIONS`], in English or Chinese.
    Region,
}

impl Kind {
    /// The DuckDB type a column of this kind is stored as.
    pub fn sql_type(self) -> &'static str {
        match self {
            Kind::Text | Kind::CountyCode | Kind::AreaCode | Kind::SchoolType | Kind::Region => "VARCHAR",
            Kind::Year | Kind::UrbanRural => "INTEGER",
            Kind::Count => "BIGINT",
            Kind::Amount | Kind::Number => "DOUBLE",
        }
    }

    /// What a valid value looks like, in the words an error message uses.
    pub fn expected(self) -> String {
        match self {
            Kind::Text => "a non-empty text".into(),
            Kind::CountyCode => "a 6-digit county code (GB/T 2260), e.g. 140581".into(),
            Kind::AreaCode => "a code of 2 to 6 digits".into(),
            Kind::Year => format!("a year from {} to {}", YEAR_RANGE.0, YEAR_RANGE.1),
            Kind::Count => "a non-negative whole number".into(),
            Kind::Amount => "a non-negative number".into(),
            Kind::Number => "a number".into(),
            Kind::SchoolType => format!(
                "a school type: {}",
                SCHOOL_TYPES.iter().map(|(en, zh)| format!("{en} ({zh})")).collect::<Vec<_>>().join(", ")
            ),
            Kind::UrbanRural => format!(
                "an urban-rural code: {}",
                URBAN_RURAL_CODES.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ")
            ),
            Kind::Region => "a region: east (东部), central (中部) or west (西部)".into(),
        }
    }
}

/// Years accepted at ingest: older data predates the 2012 balance measures, later ones are typos.
pub const YEAR_RANGE: (i64, i64) = (1990, 2100);

/// School types: canonical id and the Chinese name of 教育统计 (the id is what the warehouse stores).
pub const SCHOOL_TYPES: &[(&str, &str)] = &[
    ("primary", "小学"),
    ("teaching_point", "教学点"),
    ("junior", "初中"),
    ("nine_year", "九年一贯制学校"),
    ("complete_secondary", "完全中学"),
    ("twelve_year", "十二年一贯制学校"),
    ("special", "特殊教育学校"),
];

/// 统计用城乡分类代码 accepted for schools (see domain reference §7).
pub const URBAN_RURAL_CODES: &[i64] = &[111, 112, 121, 122, 123, 210, 220];

/// Regions used by the funding standards: id and Chinese name.
pub const REGIONS: &[(&str, &str)] = &[("east", "东部"), ("central", "中部"), ("west", "西部")];

/// The province code of a county (its first two digits and `0000`, GB/T 2260): how funding floors and schemes
/// name a province, whatever the counties file writes in `province_code`.
pub fn province_of(county_code: &str) -> String {
    format!("{}0000", &county_code[..2.min(county_code.len())])
}

/// Resolves a school type written in English or Chinese (also without the 学校 suffix) to its id.
pub fn school_type_id(raw: &str) -> Option<&'static str> {
    let raw = raw.trim();
    SCHOOL_TYPES.iter().find_map(|(en, zh)| {
        let short = zh.strip_suffix("学校").unwrap_or(zh);
        (raw.eq_ignore_ascii_case(en) || raw == *zh || raw == short).then_some(*en)
    })
}

/// Resolves a region written in English or Chinese (with or without 部/地区) to its id.
pub fn region_id(raw: &str) -> Option<&'static str> {
    let raw = raw.trim();
    REGIONS.iter().find_map(|(en, zh)| {
        let short = zh.trim_end_matches('部');
        let bare = raw.strip_suffix("地区").unwrap_or(raw);
        (raw.eq_ignore_ascii_case(en) || bare == *zh || bare == short).then_some(*en)
    })
}

/// One canonical column.
#[derive(Clone, Copy, Debug)]
pub struct ColumnSpec {
    pub name: &'static str,
    /// Chinese header(s) accepted as aliases; the first is the one we write.
    pub zh: &'static [&'static str],
    pub kind: Kind,
    /// The column must be present in the file header.
    pub required: bool,
    /// An empty cell is allowed (stored as NULL, meaning "not reported").
    pub nullable: bool,
    /// The unit a number is stored in, if any; a header that names another unit is converted (e.g. 万元 → 元).
    pub unit: Option<&'static str>,
    /// The largest plausible value (a school of more pupils, ㎡ or 元 is a typo or a wrong unit); refused beyond it
    /// unless a load widens the bounds.
    pub max: Option<f64>,
    /// A file usually carries it: left out, it loads as not reported and the load says so (an analyst's sheet of
    /// the CV indicators alone need not carry rooms or class sizes).
    pub usual: bool,
}

const fn col(name: &'static str, zh: &'static [&'static str], kind: Kind) -> ColumnSpec {
    ColumnSpec { name, zh, kind, required: true, nullable: false, unit: None, max: None, usual: true }
}

/// A column a file usually carries, whose cells may be empty; left out, it loads as not reported (said so).
const fn opt(name: &'static str, zh: &'static [&'static str], kind: Kind) -> ColumnSpec {
    ColumnSpec { name, zh, kind, required: false, nullable: true, unit: None, max: None, usual: true }
}

/// A column a file may leave out altogether (NULL for every row then).
const fn optional(name: &'static str, zh: &'static [&'static str], kind: Kind) -> ColumnSpec {
    ColumnSpec { name, zh, kind, required: false, nullable: true, unit: None, max: None, usual: false }
}

/// A numeric column with its unit and its largest plausible value.
const fn bounded(mut c: ColumnSpec, unit: &'static str, max: f64) -> ColumnSpec {
    c.unit = Some(unit);
    c.max = Some(max);
    c
}

/// Per-school bounds: pupils, classes, the largest class, areas, money, equipment, rooms, teachers.
const PUPILS: f64 = 20_000.0;
const CLASSES: f64 = 500.0;
const CLASS_SIZE: f64 = 200.0;
const AREA: f64 = 1_000_000.0;
const MONEY: f64 = 1_000_000_000.0;
const ROOMS: f64 = 2_000.0;
const TEACHERS: f64 = 5_000.0;

/// How far beyond its bound `ingest --allow-out-of-bounds` (and `sql --write`) lets a school's value go: 1,000
/// times. Beyond that a value no longer fits every computation: a count stops fitting BIGINT (a cell of 1e19 was
/// stored as 9,223,372,036,854,775,807), and the exact sums of the CVs (integers, see `balance::sql`) overflow.
pub const CEILING_FACTOR: f64 = 1000.0;

/// A bound as `datasets/README.md` writes it (1,000,000).
pub fn bound_text(max: f64) -> String {
    crate::output::thousands(max as i64)
}

/// The canonical tables a file may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Counties,
    Schools,
    CountyIndicators,
}

impl Table {
    pub const ALL: [Table; 3] = [Table::Counties, Table::Schools, Table::CountyIndicators];

    pub fn name(self) -> &'static str {
        match self {
            Table::Counties => "counties",
            Table::Schools => "schools",
            Table::CountyIndicators => "county_indicators",
        }
    }

    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            Table::Counties => COUNTIES,
            Table::Schools => SCHOOLS,
            Table::CountyIndicators => COUNTY_INDICATORS,
        }
    }

    /// The primary key, also the identity used to find duplicates within a load.
    pub fn key(self) -> &'static [&'static str] {
        match self {
            Table::Counties => &["county_code"],
            Table::Schools => &["year", "school_id"],
            Table::CountyIndicators => &["year", "county_code", "indicator"],
        }
    }

    /// What a new load replaces: rows of the warehouse that share these columns with a loaded row.
    /// Schools are replaced per (county, year), so a school that closed disappears with the new data;
    /// indicators per (county, year, indicator), so a file of a few indicators does not erase the others.
    pub fn replace_scope(self) -> &'static [&'static str] {
        match self {
            Table::Counties => &["county_code"],
            Table::Schools => &["county_code", "year"],
            Table::CountyIndicators => &["county_code", "year", "indicator"],
        }
    }

    pub fn column(self, name: &str) -> Option<&'static ColumnSpec> {
        self.columns().iter().find(|c| c.name == name)
    }
}

pub const COUNTIES: &[ColumnSpec] = &[
    col("county_code", &["县区代码", "县代码", "区县代码"], Kind::CountyCode),
    col("county_name", &["县区名称", "县名称", "区县名称"], Kind::Text),
    col("prefecture_code", &["市代码", "地市代码"], Kind::AreaCode),
    col("prefecture_name", &["市名称", "地市名称"], Kind::Text),
    col("province_code", &["省代码", "省份代码"], Kind::AreaCode),
    col("province_name", &["省名称", "省份名称", "省份"], Kind::Text),
    col("region", &["区域", "地区"], Kind::Region),
];

pub const SCHOOLS: &[ColumnSpec] = &[
    col("year", &["年份"], Kind::Year),
    col("county_code", &["县区代码", "县代码", "区县代码"], Kind::CountyCode),
    col("school_id", &["学校标识码"], Kind::Text),
    col("school_name", &["学校名称"], Kind::Text),
    col("school_type", &["办学类型"], Kind::SchoolType),
    col("urban_rural_code", &["城乡分类代码", "城乡分类"], Kind::UrbanRural),
    bounded(opt("primary_students", &["小学在校生数"], Kind::Count), "人", PUPILS),
    bounded(opt("junior_students", &["初中在校生数"], Kind::Count), "人", PUPILS),
    bounded(opt("senior_students", &["高中在校生数"], Kind::Count), "人", PUPILS),
    bounded(opt("primary_classes", &["小学班数"], Kind::Count), "个", CLASSES),
    bounded(opt("junior_classes", &["初中班数"], Kind::Count), "个", CLASSES),
    bounded(opt("max_class_size", &["最大班额"], Kind::Count), "人", CLASS_SIZE),
    bounded(opt("teaching_area_m2", &["教学及辅助用房面积"], Kind::Amount), "㎡", AREA),
    bounded(opt("sports_area_m2", &["体育运动场馆面积"], Kind::Amount), "㎡", AREA),
    bounded(opt("equipment_value_yuan", &["教学仪器设备值"], Kind::Amount), "元", MONEY),
    bounded(opt("computers", &["教学用计算机台数"], Kind::Count), "台", 100_000.0),
    bounded(opt("books", &["图书册数"], Kind::Count), "册", 10_000_000.0),
    bounded(opt("multimedia_rooms", &["网络多媒体教室数"], Kind::Count), "间", ROOMS),
    bounded(opt("music_rooms", &["音乐专用教室数"], Kind::Count), "间", ROOMS),
    bounded(opt("art_rooms", &["美术专用教室数"], Kind::Count), "间", ROOMS),
    bounded(optional("indoor_sports_area_m2", &["室内体育用房面积"], Kind::Amount), "㎡", AREA),
    bounded(opt("primary_teachers", &["小学专任教师数"], Kind::Count), "人", TEACHERS),
    bounded(opt("primary_degree_teachers", &["小学高于规定学历教师数"], Kind::Count), "人", TEACHERS),
    bounded(opt("primary_titled_teachers", &["小学中级及以上职称教师数"], Kind::Count), "人", TEACHERS),
    bounded(opt("primary_backbone_teachers", &["小学县级以上骨干教师数"], Kind::Count), "人", TEACHERS),
    bounded(opt("primary_pe_art_teachers", &["小学体育艺术专任教师数"], Kind::Count), "人", TEACHERS),
    bounded(opt("junior_teachers", &["初中专任教师数"], Kind::Count), "人", TEACHERS),
    bounded(opt("junior_degree_teachers", &["初中高于规定学历教师数"], Kind::Count), "人", TEACHERS),
    bounded(opt("junior_titled_teachers", &["初中中级及以上职称教师数"], Kind::Count), "人", TEACHERS),
    bounded(opt("junior_backbone_teachers", &["初中县级以上骨干教师数"], Kind::Count), "人", TEACHERS),
    bounded(opt("junior_pe_art_teachers", &["初中体育艺术专任教师数"], Kind::Count), "人", TEACHERS),
    // Optional columns, added with schema version 2 (at the end, so that a migrated warehouse has the same layout).
    bounded(optional("primary_max_class_size", &["小学最大班额"], Kind::Count), "人", CLASS_SIZE),
    bounded(optional("junior_max_class_size", &["初中最大班额"], Kind::Count), "人", CLASS_SIZE),
    bounded(optional("boarders", &["寄宿生数"], Kind::Count), "人", PUPILS),
    bounded(optional("public_funds_received_yuan", &["公用经费实际拨付额", "公用经费拨付额"], Kind::Amount), "元", MONEY),
];

pub const COUNTY_INDICATORS: &[ColumnSpec] = &[
    col("year", &["年份"], Kind::Year),
    col("county_code", &["县区代码", "县代码", "区县代码"], Kind::CountyCode),
    col("indicator", &["指标", "指标代码"], Kind::Text),
    col("value", &["数值", "值"], Kind::Number),
    optional("unit", &["单位"], Kind::Text),
    optional("note", &["备注", "说明"], Kind::Text),
];

/// A known county indicator.
#[derive(Clone, Copy, Debug)]
pub struct IndicatorSpec {
    pub id: &'static str,
    pub name_zh: &'static str,
    /// The unit values are stored in: 元, 人, %, 1 (a ratio or coefficient) or 0/1 (a yes/no verdict).
    pub unit: &'static str,
    /// The plausible values, inclusive; a value outside is refused at ingest.
    pub range: (f64, f64),
}

/// Plausible ranges: money per county, money per pupil, pay per teacher, head counts, rates, coefficients.
const COUNTY_MONEY: (f64, f64) = (0.0, 1e12);
const PER_PUPIL: (f64, f64) = (0.0, 1e6);
const PAY: (f64, f64) = (0.0, 1e7);
const HEADS: (f64, f64) = (0.0, 1e8);
const PERCENT: (f64, f64) = (0.0, 100.0);
const COEFFICIENT: (f64, f64) = (0.0, 10.0);
const YES_NO: (f64, f64) = (0.0, 1.0);

const fn ind(id: &'static str, name_zh: &'static str, unit: &'static str, range: (f64, f64)) -> IndicatorSpec {
    IndicatorSpec { id, name_zh, unit, range }
}

/// Indicators a county reports (or that the reference report states). Rates are in percent (98.03, not 0.9803).
pub const INDICATORS: &[IndicatorSpec] = &[
    ind("edu_budget_expenditure", "一般公共预算教育支出", "元", COUNTY_MONEY),
    ind("edu_budget_students", "在校学生数", "人", HEADS),
    ind("edu_expenditure_per_student", "生均一般公共预算教育支出", "元", PER_PUPIL),
    ind("public_funds_standard_primary", "小学生均公用经费标准", "元", PER_PUPIL),
    ind("public_funds_standard_junior", "初中生均公用经费标准", "元", PER_PUPIL),
    ind("public_funds_standard_special", "特殊教育生均公用经费标准", "元", PER_PUPIL),
    ind("county_matching_required", "县级应配套资金", "元", COUNTY_MONEY),
    ind("county_matching_paid", "县级实配套资金", "元", COUNTY_MONEY),
    // A gross rate counts pupils of any age over the children of the age: it may pass 100%.
    ind("preschool_gross_enrolment_rate", "学前三年毛入园率", "%", (0.0, 200.0)),
    ind("puhui_coverage_rate", "普惠性幼儿园覆盖率（在园幼儿普惠率）", "%", PERCENT),
    ind("public_kindergarten_share", "公办园在园幼儿占比", "%", PERCENT),
    ind("puhui_kindergarten_share", "普惠性幼儿园占比（按园数）", "%", PERCENT),
    ind("public_kindergarten_count_share", "公办幼儿园占比（按园数）", "%", PERCENT),
    ind("teacher_avg_salary", "教师平均工资收入", "元", PAY),
    ind("civil_servant_avg_salary", "当地公务员平均工资收入", "元", PAY),
    ind("junior_retention_rate", "初中三年巩固率", "%", (0.0, 200.0)),
    ind("disabled_enrolment_rate", "残疾儿童少年入学率", "%", PERCENT),
    ind("social_recognition_rate", "社会认可度", "%", PERCENT),
    ind("school_layout_plan", "学校布局规划合理（县报，1 是 0 否）", "0/1", YES_NO),
    ind("school_charter", "中小学校章程建设全覆盖（县报，1 是 0 否）", "0/1", YES_NO),
    ind("reported_basic_cv_primary", "小学综合差异系数（县报）", "1", COEFFICIENT),
    ind("reported_basic_cv_junior", "初中综合差异系数（县报）", "1", COEFFICIENT),
    ind("reported_quality_cv_primary", "小学优质均衡资源配置差异系数（县报）", "1", COEFFICIENT),
    ind("reported_quality_cv_junior", "初中优质均衡资源配置差异系数（县报）", "1", COEFFICIENT),
    // 优质均衡 (教督〔2017〕6号): the items of 政府保障程度 and 教育质量 a county reports, and its recognition history.
    ind("basic_balance_recognised_year", "基本均衡县认定年份（县报）", "年", (2000.0, 2100.0)),
    ind("school_standard_compliance", "所有学校达到本省办学标准（县报，1 是 0 否）", "0/1", YES_NO),
    ind("staffing_coordination", "县级统筹分配各校教职工编制和岗位（县报，1 是 0 否）", "0/1", YES_NO),
    ind("teacher_training_completion_rate", "教师5年360学时培训完成率", "%", PERCENT),
    ind("teacher_rotation_rate", "交流轮岗教师占符合条件教师比例", "%", PERCENT),
    ind("backbone_rotation_share", "骨干教师占交流轮岗教师比例", "%", PERCENT),
    ind("certified_teacher_rate", "专任教师持证上岗率", "%", PERCENT),
    ind("nearby_enrolment_rate_primary", "城区和镇区公办小学就近划片入学比例", "%", PERCENT),
    ind("nearby_enrolment_rate_junior", "城区和镇区公办初中就近划片入学比例", "%", PERCENT),
    ind("quota_allocation_share", "优质高中招生名额分配比例", "%", PERCENT),
    ind("migrant_children_public_share", "随迁子女在公办学校和政府购买服务民办学校就读比例", "%", PERCENT),
    ind("training_funds_share", "教师培训经费占公用经费预算比例", "%", PERCENT),
    ind("ict_teaching", "教师熟练运用信息化手段教学（县报，1 是 0 否）", "0/1", YES_NO),
    ind("moral_education", "德育工作和校园文化建设良好以上（县报，1 是 0 否）", "0/1", YES_NO),
    ind("curriculum_complete", "课程开齐开足、教学秩序规范（县报，1 是 0 否）", "0/1", YES_NO),
    ind("no_excess_burden", "无过重课业负担（县报，1 是 0 否）", "0/1", YES_NO),
    ind("quality_monitoring_level", "国家义务教育质量监测学业水平等级", "级", (1.0, 4.0)),
    ind("quality_monitoring_difference_rate", "国家义务教育质量监测校际差异率", "1", (0.0, 1.0)),
    ind("no_exam_admission", "无以考试方式招生（县报，1 是 0 否）", "0/1", YES_NO),
    ind("no_irregular_school_choice", "无违规择校（县报，1 是 0 否）", "0/1", YES_NO),
    ind("no_key_schools", "无重点学校或重点班（县报，1 是 0 否）", "0/1", YES_NO),
    ind("no_paid_tutoring", "无有偿补课（县报，1 是 0 否）", "0/1", YES_NO),
    ind("no_major_incidents", "无重大安全责任事故和严重违纪违规事件（县报，1 是 0 否）", "0/1", YES_NO),
    ind("no_falsification", "无弄虚作假（县报，1 是 0 否）", "0/1", YES_NO),
];

impl IndicatorSpec {
    /// Why a value (in the catalogue's unit) is implausible for this indicator, if it is.
    pub fn implausible(&self, v: f64) -> Option<String> {
        let (lo, hi) = self.range;
        if v < 0.0 {
            return Some(format!("a non-negative value for {}", self.id));
        }
        if self.unit == "%" && v > 0.0 && v <= 1.0 {
            return Some(format!(
                "a percent for {} (rates are in percent: 98.03, not 0.9803); the value looks like a fraction",
                self.id
            ));
        }
        if self.unit == "0/1" && v != 0.0 && v != 1.0 {
            return Some(format!("1 (yes) or 0 (no) for {}", self.id));
        }
        (v < lo || v > hi).then(|| format!("a value from {} to {} {} for {}", num(lo), num(hi), self.unit, self.id))
    }
}

fn num(x: f64) -> String {
    if x.abs() >= 1e6 { format!("{x:e}") } else { format!("{x}") }
}

impl IndicatorSpec {
    /// The plausible values as `datasets/README.md` lists them.
    pub fn range_text(&self) -> String {
        match self.unit {
            "0/1" => "0 or 1".into(),
            "%" => format!("{}–{} (not in (0, 1]: percent, not fractions)", num(self.range.0), num(self.range.1)),
            _ => format!("{}–{}", num(self.range.0), num(self.range.1)),
        }
    }
}

/// Finds a catalogued indicator by id or by its Chinese name.
pub fn indicator(raw: &str) -> Option<&'static IndicatorSpec> {
    let raw = raw.trim();
    INDICATORS.iter().find(|i| i.id == raw || i.name_zh == raw)
}

/// The base units, each with the ways files write it. A canonical unit is the first of its list.
const UNIT_NAMES: &[&[&str]] = &[
    &["元", "元/生", "元/人", "元/生·年", "元/生/年", "元/年", "yuan"],
    &["㎡", "m2", "m²", "平方米", "平米"],
    &["人", "名", "人数", "个", "位"],
    &["个", "班"],
    &["台"],
    &["册", "本"],
    &["间", "个", "室"],
    &["%", "％"],
    &["1"],
    &["0/1"],
    &["年"],
    &["级"],
];

/// Multipliers written before a unit (万元, 千台, 万册 …).
const UNIT_PREFIXES: &[(&str, f64)] = &[("亿", 1e8), ("千万", 1e7), ("百万", 1e6), ("十万", 1e5), ("万", 1e4), ("千", 1e3), ("百", 1e2)];

/// The ways of writing the canonical unit `to`.
fn spellings(to: &str) -> Option<&'static [&'static str]> {
    UNIT_NAMES.iter().copied().find(|names| names[0] == to)
}

fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Factor that converts a value written in `from` into the canonical unit `to`: one of the spellings of `to`
/// (1), or one of them after a multiplier (万元 → 元: 10⁴, 千台 → 台: 10³). None when `from` is another unit.
pub fn unit_factor(from: &str, to: &str) -> Option<f64> {
    let from = from.trim();
    if from.is_empty() {
        return Some(1.0);
    }
    let names = spellings(to)?;
    if names.iter().any(|n| same_name(n, from)) {
        return Some(1.0);
    }
    UNIT_PREFIXES
        .iter()
        .find_map(|(p, f)| from.strip_prefix(p).filter(|rest| names.iter().any(|n| same_name(n, rest))).map(|_| *f))
}

/// Whether a text names a unit countyedu knows (any base unit, with or without a multiplier).
pub fn is_unit(text: &str) -> bool {
    UNIT_NAMES.iter().any(|names| unit_factor(text, names[0]).is_some())
}

/// The canonical unit a unit written in a file converts into, and the factor (`万元` → (`元`, 10⁴)); for a unit
/// that several bases share (个), the first base.
pub fn canonical_unit(text: &str) -> Option<(&'static str, f64)> {
    UNIT_NAMES.iter().find_map(|names| unit_factor(text, names[0]).map(|f| (names[0], f)))
}

/// The units a column in `to` accepts, for a message.
pub fn unit_spellings(to: &str) -> String {
    let names = spellings(to).unwrap_or(&[]);
    format!("{} (or with 万, 千, 亿 … before it)", names.join(", "))
}

/// Splits a header such as `教学仪器设备值（万元）` into the name and the unit it names.
pub fn split_header_unit(header: &str) -> (&str, Option<&str>) {
    let h = header.trim();
    for (open, close) in [("(", ")"), ("（", "）"), ("[", "]")] {
        if let Some(stripped) = h.strip_suffix(close)
            && let Some(pos) = stripped.rfind(open)
        {
            return (stripped[..pos].trim(), Some(stripped[pos + open.len()..].trim()));
        }
    }
    (h, None)
}

/// Normalises a header for matching: no BOM, trimmed, ASCII lower-case.
pub fn normalize_header(raw: &str) -> String {
    raw.trim_start_matches('\u{feff}').trim().to_ascii_lowercase()
}

/// Finds the canonical column a header names, and the unit it declares, if any.
pub fn match_header(table: Table, header: &str) -> Option<(&'static ColumnSpec, Option<String>)> {
    let norm = normalize_header(header);
    if let Some(c) = table.columns().iter().find(|c| c.name == norm || c.zh.contains(&norm.as_str())) {
        return Some((c, None));
    }
    let (name, unit) = split_header_unit(&norm);
    table
        .columns()
        .iter()
        .find(|c| c.name == name || c.zh.contains(&name))
        .map(|c| (c, unit.map(str::to_string)))
}

/// Decides which table a file holds from its header: the columns that only that table has.
pub fn detect_table(headers: &[String]) -> Option<Table> {
    let has = |t: Table, name: &str| headers.iter().any(|h| matches!(match_header(t, h), Some((c, _)) if c.name == name));
    if has(Table::Schools, "school_id") {
        Some(Table::Schools)
    } else if has(Table::CountyIndicators, "indicator") && has(Table::CountyIndicators, "value") {
        Some(Table::CountyIndicators)
    } else if has(Table::Counties, "county_name") && has(Table::Counties, "region") {
        Some(Table::Counties)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_in_both_languages_and_with_units() {
        assert_eq!(match_header(Table::Schools, "图书册数").unwrap().0.name, "books");
        assert_eq!(match_header(Table::Schools, " Books ").unwrap().0.name, "books");
        let (c, unit) = match_header(Table::Schools, "教学仪器设备值（万元）").unwrap();
        assert_eq!((c.name, unit.as_deref()), ("equipment_value_yuan", Some("万元")));
        assert!(match_header(Table::Schools, "校长姓名").is_none());
    }

    #[test]
    fn codes_resolve_from_chinese() {
        assert_eq!(school_type_id("九年一贯制学校"), Some("nine_year"));
        assert_eq!(school_type_id("九年一贯制"), Some("nine_year"));
        assert_eq!(school_type_id("Primary"), Some("primary"));
        assert_eq!(school_type_id("大学"), None);
        assert_eq!(region_id("中部"), Some("central"));
        assert_eq!(region_id("西部地区"), Some("west"));
        assert_eq!(region_id("north"), None);
    }

    #[test]
    fn units_convert_only_between_known_pairs() {
        assert_eq!(unit_factor("万元", "元"), Some(1e4));
        assert_eq!(unit_factor("亿元", "元"), Some(1e8));
        assert_eq!(unit_factor("元/生", "元"), Some(1.0));
        assert_eq!(unit_factor("%", "%"), Some(1.0));
        assert_eq!(unit_factor("%", "元"), None);
        assert_eq!(unit_factor("万人", "人"), Some(1e4));
        assert_eq!(unit_factor("千台", "台"), Some(1e3));
        assert_eq!(unit_factor("万册", "册"), Some(1e4));
        assert_eq!(unit_factor("M2", "㎡"), Some(1.0));
        assert_eq!(unit_factor("美元", "册"), None);
        assert_eq!(unit_factor("斤", "元"), None);
        assert!(is_unit("万元") && is_unit("个") && !is_unit("全称") && !is_unit("斤"));
        assert_eq!(canonical_unit("万元"), Some(("元", 1e4)));
    }

    #[test]
    fn implausible_indicator_values_are_named() {
        let rate = indicator("social_recognition_rate").unwrap();
        assert!(rate.implausible(0.98).unwrap().contains("looks like a fraction"));
        assert!(rate.implausible(980.0).unwrap().contains("from 0 to 100 %"));
        assert_eq!(rate.implausible(98.0), None);
        assert!(indicator("school_charter").unwrap().implausible(7.0).unwrap().contains("1 (yes) or 0 (no)"));
        assert_eq!(indicator("preschool_gross_enrolment_rate").unwrap().implausible(102.5), None);
    }

    #[test]
    fn the_format_document_names_every_column_alias_and_indicator() {
        let doc = include_str!("../datasets/README.md");
        for table in Table::ALL {
            for c in table.columns() {
                assert!(doc.contains(&format!("`{}`", c.name)), "datasets/README.md lacks column {}", c.name);
                for zh in c.zh {
                    assert!(doc.contains(zh), "datasets/README.md lacks alias {zh}");
                }
            }
        }
        for i in INDICATORS {
            let row = format!("| `{}` | {} | {} | {} |", i.id, i.name_zh, i.unit, i.range_text());
            assert!(doc.contains(&row), "datasets/README.md lacks {row}");
        }
        for c in Table::Schools.columns().iter().filter_map(|c| c.max.map(|m| (c, m))) {
            let row = format!("| `{}` | {} {} |", c.0.name, bound_text(c.1), c.0.unit.unwrap_or_default());
            assert!(doc.contains(&row), "datasets/README.md lacks the bound {row}");
        }
        for c in Table::Schools.columns().iter().filter(|c| c.unit.is_some()) {
            let unit = c.unit.unwrap();
            assert!(doc.contains(&format!("| `{}` | {} |", c.name, c.zh.join(", "))), "{}", c.name);
            let line = doc.lines().find(|l| l.starts_with(&format!("| `{}` |", c.name))).unwrap();
            assert!(line.contains(&format!("({unit})")), "datasets/README.md must give the unit of {}: {line}", c.name);
        }
    }

    #[test]
    fn tables_are_told_apart_by_header() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(detect_table(&h(&["年份", "学校标识码"])), Some(Table::Schools));
        assert_eq!(detect_table(&h(&["year", "county_code", "indicator", "value"])), Some(Table::CountyIndicators));
        assert_eq!(detect_table(&h(&["县区代码", "县区名称", "区域"])), Some(Table::Counties));
        assert_eq!(detect_table(&h(&["a", "b"])), None);
    }
}
