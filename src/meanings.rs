//! What every column of every stored table means: its meaning, unit and values, in one place. The warehouse sets
//! them as DuckDB column comments (`COMMENT ON COLUMN`, shown by `DESCRIBE` and `duckdb_columns()`), and
//! `datasets/RESULTS.md` lists them beside each metric table's columns.

/// One column's meaning.
#[derive(Clone, Copy, Debug)]
pub struct Meaning {
    pub table: &'static str,
    pub column: &'static str,
    /// What the column holds, in a sentence (English, with the Chinese term where the domain has one).
    pub meaning: &'static str,
    /// Its unit ("" when none: codes, text, counts of things named in the meaning use "所", "人" etc. where natural; ratios "1"; per-student values e.g. "㎡/生", "元/生", "人/百生").
    pub unit: &'static str,
    /// For verdict, status and code columns: the values it takes and what each means ("" otherwise).
    pub values: &'static str,
}

pub const MEANINGS: &[Meaning] = &[
    // balance_cv
    Meaning { table: "balance_cv", column: "year", meaning: "The year of the data the row was computed from (统计年份).", unit: "", values: "" },
    Meaning { table: "balance_cv", column: "county_code", meaning: "The county's 6-digit administrative code (县区代码, GB/T 2260).", unit: "", values: "" },
    Meaning { table: "balance_cv", column: "level", meaning: "The level of compulsory education (学段) the row is about; levels are never pooled.", unit: "", values: "primary: 小学; junior: 初中" },
    Meaning { table: "balance_cv", column: "standard", meaning: "The balance standard whose indicators and scope of school units the row uses.", unit: "", values: "basic: 基本均衡 (教督〔2012〕3号: 8 indicators; special-education schools left out); quality: 优质均衡 资源配置 (教督〔2017〕6号: 7 indicators; also teaching points of under 50 pupils, nationally, left out)" },
    Meaning { table: "balance_cv", column: "indicator", meaning: "The per-school indicator: a resource per pupil (or per 100 pupils) of a school unit (a school at one level; a combined school's whole-school resources split by weighted enrolment).", unit: "", values: "basic: teach_area_per_student 生均教学及辅助用房面积, sports_area_per_student 生均体育运动场馆面积, equipment_value_per_student 生均教学仪器设备值, computers_per_100 每百名学生拥有计算机台数, books_per_student 生均图书册数, teachers_per_student 师生比, degree_teachers_per_student 生均高于规定学历教师数, titled_teachers_per_student 生均中级及以上专业技术职务教师数; quality: degree_teachers_per_100 每百名学生拥有高于规定学历教师数, backbone_teachers_per_100 每百名学生拥有县级以上骨干教师数, pe_art_teachers_per_100 每百名学生拥有体育、艺术专任教师数, teach_area_per_student, sports_area_per_student, equipment_value_per_student, multimedia_rooms_per_100 每百名学生拥有网络多媒体教室数" },
    Meaning { table: "balance_cv", column: "n_schools", meaning: "School units (a school at one level) in the standard's scope that report the indicator: the units of the CV.", unit: "所", values: "" },
    Meaning { table: "balance_cv", column: "n_missing", meaning: "School units in the standard's scope that do not report the indicator: left out of the CV, never read as zero.", unit: "所", values: "" },
    Meaning { table: "balance_cv", column: "students", meaning: "The pupils of the units that report the indicator: the weights of the mean and the standard deviation.", unit: "人", values: "" },
    Meaning { table: "balance_cv", column: "mean", meaning: "The pupil-weighted mean of the indicator over the units (the county's total resource ÷ its pupils).", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "balance_cv", column: "sd", meaning: "The pupil-weighted population standard deviation of the indicator (no n−1 correction).", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "balance_cv", column: "cv", meaning: "The inter-school coefficient of variation (差异系数): sd ÷ mean, weighted by pupils; NULL when no unit reports the indicator or the mean is 0.", unit: "1", values: "" },
    Meaning { table: "balance_cv", column: "min", meaning: "The smallest value of the indicator among the units.", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "balance_cv", column: "max", meaning: "The largest value of the indicator among the units.", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "balance_cv", column: "threshold", meaning: "The CV limit of a quality indicator at this level (小学 0.50, 初中 0.45 nationally); NULL for basic indicators, judged only through the composite CV.", unit: "1", values: "" },
    Meaning { table: "balance_cv", column: "met", meaning: "Whether the CV is within its limit (cv ≤ threshold).", unit: "", values: "true: within the limit; false: over it; NULL: a basic indicator (no limit of its own), or the CV is undefined" },
    Meaning { table: "balance_cv", column: "note", meaning: "Why the CV is missing or zero, when it is.", unit: "", values: "no school reported this indicator; mean is zero: CV undefined; one school: CV is 0 by definition; NULL otherwise" },
    Meaning { table: "balance_cv", column: "rules", meaning: "The set of rules the row was computed under (balance limits and standards, funding rules and floors, audit thresholds).", unit: "", values: "national: the national rules; national+provinces: the default, national rules with each shipped province's own funding floors for its counties; otherwise a rules folder's name (e.g. 140000)" },
    Meaning { table: "balance_cv", column: "rules_hash", meaning: "The first 16 hex digits of the SHA-256 of the rules' merged content (balance, funding, audit, floors): rows with the same hash were computed under the same rules.", unit: "", values: "" },
    // balance_verdicts
    Meaning { table: "balance_verdicts", column: "year", meaning: "The year of the data the row was computed from (统计年份).", unit: "", values: "" },
    Meaning { table: "balance_verdicts", column: "county_code", meaning: "The county's 6-digit administrative code (县区代码, GB/T 2260).", unit: "", values: "" },
    Meaning { table: "balance_verdicts", column: "level", meaning: "The level of compulsory education (学段) the row is about; levels are never pooled.", unit: "", values: "primary: 小学; junior: 初中" },
    Meaning { table: "balance_verdicts", column: "standard", meaning: "The balance standard whose indicators and scope of school units the row uses.", unit: "", values: "basic: 基本均衡 (教督〔2012〕3号: 8 indicators; special-education schools left out); quality: 优质均衡 资源配置 (教督〔2017〕6号: 7 indicators; also teaching points of under 50 pupils, nationally, left out)" },
    Meaning { table: "balance_verdicts", column: "indicators", meaning: "The number of the standard's indicators (8 basic, 7 quality).", unit: "项", values: "" },
    Meaning { table: "balance_verdicts", column: "indicators_met", meaning: "For quality, how many of the 7 indicator CVs are within their limit; NULL for basic, whose indicators are judged only through the composite CV.", unit: "项", values: "" },
    Meaning { table: "balance_verdicts", column: "composite_cv", meaning: "For basic, the composite CV (综合差异系数): the plain mean of the 8 indicator CVs, when all 8 have one; NULL otherwise and for quality.", unit: "1", values: "" },
    Meaning { table: "balance_verdicts", column: "cv_threshold", meaning: "The CV limit: for basic the composite CV's (小学 0.65, 初中 0.55 nationally), for quality each indicator CV's (小学 0.50, 初中 0.45).", unit: "1", values: "" },
    Meaning { table: "balance_verdicts", column: "schools", meaning: "For quality, the school units in its scope (held to the school rule); NULL for basic.", unit: "所", values: "" },
    Meaning { table: "balance_verdicts", column: "schools_passing", meaning: "For quality, the school units that pass the school rule (at least 6 of the 7 standards met, the other at least 85% of its standard); NULL for basic.", unit: "所", values: "" },
    Meaning { table: "balance_verdicts", column: "met", meaning: "The county verdict: basic, composite_cv ≤ cv_threshold (false when undefined); quality, every indicator CV within its limit and every school unit passing the school rule.", unit: "", values: "true: met (达到); false: not met (未达到)" },
    Meaning { table: "balance_verdicts", column: "reason", meaning: "The verdict in words: the composite CV against its limit (or why it is undefined), or the CVs within their limit with the highest, and the schools passing.", unit: "", values: "" },
    Meaning { table: "balance_verdicts", column: "rules", meaning: "The set of rules the row was computed under (balance limits and standards, funding rules and floors, audit thresholds).", unit: "", values: "national: the national rules; national+provinces: the default, national rules with each shipped province's own funding floors for its counties; otherwise a rules folder's name (e.g. 140000)" },
    Meaning { table: "balance_verdicts", column: "rules_hash", meaning: "The first 16 hex digits of the SHA-256 of the rules' merged content (balance, funding, audit, floors): rows with the same hash were computed under the same rules.", unit: "", values: "" },
    // balance_schools
    Meaning { table: "balance_schools", column: "year", meaning: "The year of the data the row was computed from (统计年份).", unit: "", values: "" },
    Meaning { table: "balance_schools", column: "county_code", meaning: "The county's 6-digit administrative code (县区代码, GB/T 2260).", unit: "", values: "" },
    Meaning { table: "balance_schools", column: "school_id", meaning: "学校标识码: the school's identifier, unique within a year (10 digits nationally: category, province, sequence).", unit: "", values: "" },
    Meaning { table: "balance_schools", column: "school_name", meaning: "学校名称: the school's name as loaded.", unit: "", values: "" },
    Meaning { table: "balance_schools", column: "school_type", meaning: "办学类型: the school's type, which decides its levels and how its whole-school resources are split.", unit: "", values: "primary: 小学; teaching_point: 教学点; junior: 初中; nine_year: 九年一贯制学校; complete_secondary: 完全中学; twelve_year: 十二年一贯制学校; special: 特殊教育学校" },
    Meaning { table: "balance_schools", column: "level", meaning: "The level of the school unit (a combined school has one row per level it teaches).", unit: "", values: "primary: 小学; junior: 初中" },
    Meaning { table: "balance_schools", column: "students", meaning: "The unit's pupils: the school's 在校生 at this level.", unit: "人", values: "" },
    Meaning { table: "balance_schools", column: "degree_teachers_per_100", meaning: "每百名学生拥有高于规定学历教师数: 100 × the level's teachers above the required degree (专科+ primary, 本科+ junior) ÷ its pupils.", unit: "人/百生", values: "" },
    Meaning { table: "balance_schools", column: "degree_teachers_per_100_met", meaning: "Whether degree_teachers_per_100 reaches its standard (小学 4.2, 初中 5.3 nationally).", unit: "", values: "true: met; false: not met, or not reported" },
    Meaning { table: "balance_schools", column: "degree_teachers_per_100_shortfall", meaning: "The teachers above the required degree the unit lacks to reach the standard, in whole teachers; 0 when met, NULL when not reported.", unit: "人", values: "" },
    Meaning { table: "balance_schools", column: "degree_teachers_per_100_share", meaning: "The unit's share of the county's pupil-weighted variance of the indicator: pupils × (x − mean)² ÷ the county's Σ pupils × (x − mean)².", unit: "1", values: "" },
    Meaning { table: "balance_schools", column: "backbone_teachers_per_100", meaning: "每百名学生拥有县级以上骨干教师数: 100 × the level's county-level-or-above backbone teachers ÷ its pupils.", unit: "人/百生", values: "" },
    Meaning { table: "balance_schools", column: "backbone_teachers_per_100_met", meaning: "Whether backbone_teachers_per_100 reaches its standard (1.0 at both levels nationally).", unit: "", values: "true: met; false: not met, or not reported" },
    Meaning { table: "balance_schools", column: "backbone_teachers_per_100_shortfall", meaning: "The backbone teachers the unit lacks to reach the standard, in whole teachers; 0 when met, NULL when not reported.", unit: "人", values: "" },
    Meaning { table: "balance_schools", column: "backbone_teachers_per_100_share", meaning: "The unit's share of the county's pupil-weighted variance of the indicator: pupils × (x − mean)² ÷ the county's Σ pupils × (x − mean)².", unit: "1", values: "" },
    Meaning { table: "balance_schools", column: "pe_art_teachers_per_100", meaning: "每百名学生拥有体育、艺术（美术、音乐）专任教师数: 100 × the level's PE, music and art teachers ÷ its pupils.", unit: "人/百生", values: "" },
    Meaning { table: "balance_schools", column: "pe_art_teachers_per_100_met", meaning: "Whether pe_art_teachers_per_100 reaches its standard (0.9 at both levels nationally).", unit: "", values: "true: met; false: not met, or not reported" },
    Meaning { table: "balance_schools", column: "pe_art_teachers_per_100_shortfall", meaning: "The PE and art teachers the unit lacks to reach the standard, in whole teachers; 0 when met, NULL when not reported.", unit: "人", values: "" },
    Meaning { table: "balance_schools", column: "pe_art_teachers_per_100_share", meaning: "The unit's share of the county's pupil-weighted variance of the indicator: pupils × (x − mean)² ÷ the county's Σ pupils × (x − mean)².", unit: "1", values: "" },
    Meaning { table: "balance_schools", column: "teach_area_per_student", meaning: "生均教学及辅助用房面积: the unit's teaching and auxiliary floor space (its share of a combined school's) ÷ its pupils.", unit: "㎡/生", values: "" },
    Meaning { table: "balance_schools", column: "teach_area_per_student_met", meaning: "Whether teach_area_per_student reaches its standard (小学 4.5, 初中 5.8 ㎡ nationally).", unit: "", values: "true: met; false: not met, or not reported" },
    Meaning { table: "balance_schools", column: "teach_area_per_student_shortfall", meaning: "The teaching floor space the unit lacks to reach the standard, to 0.01 ㎡; 0 when met, NULL when not reported.", unit: "㎡", values: "" },
    Meaning { table: "balance_schools", column: "teach_area_per_student_share", meaning: "The unit's share of the county's pupil-weighted variance of the indicator: pupils × (x − mean)² ÷ the county's Σ pupils × (x − mean)².", unit: "1", values: "" },
    Meaning { table: "balance_schools", column: "sports_area_per_student", meaning: "生均体育运动场馆面积: the unit's sports ground and halls (its share of a combined school's) ÷ its pupils.", unit: "㎡/生", values: "" },
    Meaning { table: "balance_schools", column: "sports_area_per_student_met", meaning: "Whether sports_area_per_student reaches its standard (小学 7.5, 初中 10.2 ㎡ nationally).", unit: "", values: "true: met; false: not met, or not reported" },
    Meaning { table: "balance_schools", column: "sports_area_per_student_shortfall", meaning: "The sports space the unit lacks to reach the standard, to 0.01 ㎡; 0 when met, NULL when not reported.", unit: "㎡", values: "" },
    Meaning { table: "balance_schools", column: "sports_area_per_student_share", meaning: "The unit's share of the county's pupil-weighted variance of the indicator: pupils × (x − mean)² ÷ the county's Σ pupils × (x − mean)².", unit: "1", values: "" },
    Meaning { table: "balance_schools", column: "equipment_value_per_student", meaning: "生均教学仪器设备值: the unit's teaching equipment value (its share of a combined school's) ÷ its pupils.", unit: "元/生", values: "" },
    Meaning { table: "balance_schools", column: "equipment_value_per_student_met", meaning: "Whether equipment_value_per_student reaches its standard (小学 2000, 初中 2500 元 nationally).", unit: "", values: "true: met; false: not met, or not reported" },
    Meaning { table: "balance_schools", column: "equipment_value_per_student_shortfall", meaning: "The equipment value the unit lacks to reach the standard, to 0.01 元; 0 when met, NULL when not reported.", unit: "元", values: "" },
    Meaning { table: "balance_schools", column: "equipment_value_per_student_share", meaning: "The unit's share of the county's pupil-weighted variance of the indicator: pupils × (x − mean)² ÷ the county's Σ pupils × (x − mean)².", unit: "1", values: "" },
    Meaning { table: "balance_schools", column: "multimedia_rooms_per_100", meaning: "每百名学生拥有网络多媒体教室数: 100 × the unit's network multimedia classrooms (its share of a combined school's) ÷ its pupils.", unit: "间/百生", values: "" },
    Meaning { table: "balance_schools", column: "multimedia_rooms_per_100_met", meaning: "Whether multimedia_rooms_per_100 reaches its standard (小学 2.3, 初中 2.4 nationally).", unit: "", values: "true: met; false: not met, or not reported" },
    Meaning { table: "balance_schools", column: "multimedia_rooms_per_100_shortfall", meaning: "The multimedia classrooms the unit lacks to reach the standard, in whole rooms; 0 when met, NULL when not reported.", unit: "间", values: "" },
    Meaning { table: "balance_schools", column: "multimedia_rooms_per_100_share", meaning: "The unit's share of the county's pupil-weighted variance of the indicator: pupils × (x − mean)² ÷ the county's Σ pupils × (x − mean)².", unit: "1", values: "" },
    Meaning { table: "balance_schools", column: "indicators_met", meaning: "How many of the 7 quality standards the unit meets.", unit: "项", values: "" },
    Meaning { table: "balance_schools", column: "school_pass", meaning: "Whether the unit passes the school rule: at least 6 of the 7 standards met and every other at least 85% of its standard (a value not reported fails).", unit: "", values: "true: passes; false: does not" },
    Meaning { table: "balance_schools", column: "cv_drag", meaning: "The mean of the unit's 7 variance shares (a share not computed counts 0): the units that raise the county's CVs most have the largest.", unit: "1", values: "" },
    Meaning { table: "balance_schools", column: "rules", meaning: "The set of rules the row was computed under (balance limits and standards, funding rules and floors, audit thresholds).", unit: "", values: "national: the national rules; national+provinces: the default, national rules with each shipped province's own funding floors for its counties; otherwise a rules folder's name (e.g. 140000)" },
    Meaning { table: "balance_schools", column: "rules_hash", meaning: "The first 16 hex digits of the SHA-256 of the rules' merged content (balance, funding, audit, floors): rows with the same hash were computed under the same rules.", unit: "", values: "" },
    // school_checks
    Meaning { table: "school_checks", column: "year", meaning: "The year of the data the row was computed from (统计年份).", unit: "", values: "" },
    Meaning { table: "school_checks", column: "county_code", meaning: "The county's 6-digit administrative code (县区代码, GB/T 2260).", unit: "", values: "" },
    Meaning { table: "school_checks", column: "school_id", meaning: "学校标识码: the school's identifier, unique within a year (10 digits nationally: category, province, sequence).", unit: "", values: "" },
    Meaning { table: "school_checks", column: "school_name", meaning: "学校名称: the school's name as loaded.", unit: "", values: "" },
    Meaning { table: "school_checks", column: "school_type", meaning: "办学类型 of the compulsory school (special-education schools are not checked).", unit: "", values: "primary: 小学; teaching_point: 教学点; junior: 初中; nine_year: 九年一贯制学校; complete_secondary: 完全中学; twelve_year: 十二年一贯制学校; special: 特殊教育学校" },
    Meaning { table: "school_checks", column: "compulsory_pupils", meaning: "The school's compulsory-stage pupils (小学 + 初中 在校生; senior pupils do not count), as school size counts them; NULL when neither level is reported.", unit: "人", values: "" },
    Meaning { table: "school_checks", column: "school_size_limit", meaning: "The most compulsory-stage pupils the school may have: 2000, or 2500 for nine- and twelve-year schools (national rules).", unit: "人", values: "" },
    Meaning { table: "school_checks", column: "school_size_ok", meaning: "Whether compulsory_pupils is within school_size_limit (学校规模).", unit: "", values: "true: holds; false: does not; NULL: not judged, a figure it needs is not reported" },
    Meaning { table: "school_checks", column: "max_class_size", meaning: "最大班额: the school's largest class, as reported.", unit: "人", values: "" },
    Meaning { table: "school_checks", column: "primary_max_class_size", meaning: "小学最大班额: the largest primary class, as reported.", unit: "人", values: "" },
    Meaning { table: "school_checks", column: "junior_max_class_size", meaning: "初中最大班额: the largest junior class, as reported.", unit: "人", values: "" },
    Meaning { table: "school_checks", column: "class_size_basis", meaning: "Which class sizes class_size_ok was judged on.", unit: "", values: "per level: the levels' own largest classes; school-wide: max_class_size; school-wide, judged at the primary limit: a combined school lacking a level's own figure, judged at 45; NULL: not judged" },
    Meaning { table: "school_checks", column: "class_size_ok", meaning: "Whether the largest class of each level keeps to its limit (班额: 小学 45, 初中 50 nationally).", unit: "", values: "true: holds; false: does not; NULL: not judged, a figure it needs is not reported" },
    Meaning { table: "school_checks", column: "primary_classes", meaning: "小学班数: the school's primary classes, as reported.", unit: "个", values: "" },
    Meaning { table: "school_checks", column: "junior_classes", meaning: "初中班数: the school's junior classes, as reported.", unit: "个", values: "" },
    Meaning { table: "school_checks", column: "rooms_required", meaning: "The music rooms, and the art rooms, the school needs: one of each per 12 classes (primary + junior, national rules), rounded up; NULL when classes are not reported.", unit: "间", values: "" },
    Meaning { table: "school_checks", column: "music_rooms", meaning: "音乐专用教室数, as reported.", unit: "间", values: "" },
    Meaning { table: "school_checks", column: "art_rooms", meaning: "美术专用教室数, as reported.", unit: "间", values: "" },
    Meaning { table: "school_checks", column: "music_art_rooms_ok", meaning: "Whether music_rooms and art_rooms each reach rooms_required (音乐、美术专用教室).", unit: "", values: "true: holds; false: does not; NULL: not judged, a figure it needs is not reported" },
    Meaning { table: "school_checks", column: "boarders", meaning: "寄宿生数, as reported.", unit: "人", values: "" },
    Meaning { table: "school_checks", column: "public_funds_required", meaning: "The public funds due: the 生均公用经费 floors × the primary and junior pupils (a school under 100 pupils funded as 100) + 200 元 per boarder (national rules); NULL without a floor.", unit: "元", values: "" },
    Meaning { table: "school_checks", column: "public_funds_received_yuan", meaning: "公用经费实际拨付额: the public funds the school received in the year, as reported.", unit: "元", values: "" },
    Meaning { table: "school_checks", column: "public_funds_ok", meaning: "Whether public_funds_received_yuan reaches public_funds_required (公用经费足额拨付).", unit: "", values: "true: holds; false: does not; NULL: not judged, a figure it needs is not reported" },
    Meaning { table: "school_checks", column: "rules", meaning: "The set of rules the row was computed under (balance limits and standards, funding rules and floors, audit thresholds).", unit: "", values: "national: the national rules; national+provinces: the default, national rules with each shipped province's own funding floors for its counties; otherwise a rules folder's name (e.g. 140000)" },
    Meaning { table: "school_checks", column: "rules_hash", meaning: "The first 16 hex digits of the SHA-256 of the rules' merged content (balance, funding, audit, floors): rows with the same hash were computed under the same rules.", unit: "", values: "" },
    // equity
    Meaning { table: "equity", column: "year", meaning: "The year of the data the row was computed from (统计年份).", unit: "", values: "" },
    Meaning { table: "equity", column: "county_code", meaning: "The county's 6-digit administrative code (县区代码, GB/T 2260).", unit: "", values: "" },
    Meaning { table: "equity", column: "level", meaning: "The level of compulsory education (学段) the row is about; levels are never pooled.", unit: "", values: "primary: 小学; junior: 初中" },
    Meaning { table: "equity", column: "standard", meaning: "The balance standard whose indicators and scope of school units the row uses.", unit: "", values: "basic: 基本均衡 (教督〔2012〕3号: 8 indicators; special-education schools left out); quality: 优质均衡 资源配置 (教督〔2017〕6号: 7 indicators; also teaching points of under 50 pupils, nationally, left out)" },
    Meaning { table: "equity", column: "indicator", meaning: "The per-school indicator: a resource per pupil (or per 100 pupils) of a school unit (a school at one level; a combined school's whole-school resources split by weighted enrolment).", unit: "", values: "basic: teach_area_per_student 生均教学及辅助用房面积, sports_area_per_student 生均体育运动场馆面积, equipment_value_per_student 生均教学仪器设备值, computers_per_100 每百名学生拥有计算机台数, books_per_student 生均图书册数, teachers_per_student 师生比, degree_teachers_per_student 生均高于规定学历教师数, titled_teachers_per_student 生均中级及以上专业技术职务教师数; quality: degree_teachers_per_100 每百名学生拥有高于规定学历教师数, backbone_teachers_per_100 每百名学生拥有县级以上骨干教师数, pe_art_teachers_per_100 每百名学生拥有体育、艺术专任教师数, teach_area_per_student, sports_area_per_student, equipment_value_per_student, multimedia_rooms_per_100 每百名学生拥有网络多媒体教室数" },
    Meaning { table: "equity", column: "n_schools", meaning: "School units in the standard's scope that report the indicator: the units measured.", unit: "所", values: "" },
    Meaning { table: "equity", column: "n_nonpositive", meaning: "Units whose value is 0 or less, left out of Theil T and MLD.", unit: "所", values: "" },
    Meaning { table: "equity", column: "students", meaning: "The units' pupils: the weights of every measure.", unit: "人", values: "" },
    Meaning { table: "equity", column: "mean", meaning: "The pupil-weighted mean of the indicator.", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "equity", column: "cv", meaning: "The pupil-weighted coefficient of variation, sd ÷ mean; NULL when the mean is not positive.", unit: "1", values: "" },
    Meaning { table: "equity", column: "gini", meaning: "The Gini coefficient of the pupil-weighted Lorenz curve (0 = equal); NULL when the mean is not positive.", unit: "1", values: "" },
    Meaning { table: "equity", column: "theil_t", meaning: "Theil T, Σ f (x/μ) ln(x/μ) with f the pupil share, over units with a positive value (0 = equal); NULL when none is positive.", unit: "1", values: "" },
    Meaning { table: "equity", column: "mld", meaning: "The mean log deviation, Σ f ln(μ/x) with f the pupil share, over units with a positive value (0 = equal); NULL when none is positive.", unit: "1", values: "" },
    Meaning { table: "equity", column: "mcloone", meaning: "McLoone index: the pupil-weighted total of the units below the median ÷ that total at the median (1 = equal below it; 1 when none is below); NULL when the median is 0.", unit: "1", values: "" },
    Meaning { table: "equity", column: "verstegen", meaning: "Verstegen index: the pupil-weighted total of the units above the median ÷ that total at the median (1 when none is above); NULL when the median is 0.", unit: "1", values: "" },
    Meaning { table: "equity", column: "p5", meaning: "The pupil-weighted 5th percentile: the smallest value whose cumulative pupil share reaches 5%.", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "equity", column: "median", meaning: "The pupil-weighted median: the smallest value whose cumulative pupil share reaches 50%.", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "equity", column: "p95", meaning: "The pupil-weighted 95th percentile: the smallest value whose cumulative pupil share reaches 95%.", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "equity", column: "restricted_range", meaning: "The restricted range, p95 − p5.", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "equity", column: "federal_range_ratio", meaning: "The federal range ratio, (p95 − p5) ÷ p5; NULL when p5 is 0.", unit: "1", values: "" },
    Meaning { table: "equity", column: "max_min_ratio", meaning: "The largest unit value ÷ the smallest; NULL when the smallest is 0.", unit: "1", values: "" },
    Meaning { table: "equity", column: "rules", meaning: "The set of rules the row was computed under (balance limits and standards, funding rules and floors, audit thresholds).", unit: "", values: "national: the national rules; national+provinces: the default, national rules with each shipped province's own funding floors for its counties; otherwise a rules folder's name (e.g. 140000)" },
    Meaning { table: "equity", column: "rules_hash", meaning: "The first 16 hex digits of the SHA-256 of the rules' merged content (balance, funding, audit, floors): rows with the same hash were computed under the same rules.", unit: "", values: "" },
    // equity_across
    Meaning { table: "equity_across", column: "year", meaning: "The year of the data the row was computed from (统计年份).", unit: "", values: "" },
    Meaning { table: "equity_across", column: "area_code", meaning: "The code of the prefecture or province (from counties) whose counties are the units.", unit: "", values: "" },
    Meaning { table: "equity_across", column: "area_name", meaning: "The name of that prefecture or province.", unit: "", values: "" },
    Meaning { table: "equity_across", column: "level", meaning: "The level of compulsory education (学段) the row is about; levels are never pooled.", unit: "", values: "primary: 小学; junior: 初中" },
    Meaning { table: "equity_across", column: "standard", meaning: "The balance standard whose indicators and scope of school units the row uses.", unit: "", values: "basic: 基本均衡 (教督〔2012〕3号: 8 indicators; special-education schools left out); quality: 优质均衡 资源配置 (教督〔2017〕6号: 7 indicators; also teaching points of under 50 pupils, nationally, left out)" },
    Meaning { table: "equity_across", column: "indicator", meaning: "The per-school indicator: a resource per pupil (or per 100 pupils) of a school unit (a school at one level; a combined school's whole-school resources split by weighted enrolment).", unit: "", values: "basic: teach_area_per_student 生均教学及辅助用房面积, sports_area_per_student 生均体育运动场馆面积, equipment_value_per_student 生均教学仪器设备值, computers_per_100 每百名学生拥有计算机台数, books_per_student 生均图书册数, teachers_per_student 师生比, degree_teachers_per_student 生均高于规定学历教师数, titled_teachers_per_student 生均中级及以上专业技术职务教师数; quality: degree_teachers_per_100 每百名学生拥有高于规定学历教师数, backbone_teachers_per_100 每百名学生拥有县级以上骨干教师数, pe_art_teachers_per_100 每百名学生拥有体育、艺术专任教师数, teach_area_per_student, sports_area_per_student, equipment_value_per_student, multimedia_rooms_per_100 每百名学生拥有网络多媒体教室数" },
    Meaning { table: "equity_across", column: "across", meaning: "Which area the counties are grouped by.", unit: "", values: "prefecture: the counties of a prefecture (市); province: the counties of a province (省)" },
    Meaning { table: "equity_across", column: "n_counties", meaning: "The counties of the area with a mean of the indicator (balance_cv): the units measured.", unit: "个", values: "" },
    Meaning { table: "equity_across", column: "n_nonpositive", meaning: "Counties whose mean is 0 or less, left out of Theil T and MLD.", unit: "个", values: "" },
    Meaning { table: "equity_across", column: "students", meaning: "The counties' pupils reporting the indicator: each county mean is weighted by them.", unit: "人", values: "" },
    Meaning { table: "equity_across", column: "mean", meaning: "The pupil-weighted mean of the county means (the area's total resource ÷ its pupils).", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "equity_across", column: "cv", meaning: "The pupil-weighted coefficient of variation of the county means, sd ÷ mean; NULL when the mean is not positive.", unit: "1", values: "" },
    Meaning { table: "equity_across", column: "gini", meaning: "The Gini coefficient of the county means over the pupil-weighted Lorenz curve (0 = equal); NULL when the mean is not positive.", unit: "1", values: "" },
    Meaning { table: "equity_across", column: "theil_t", meaning: "Theil T of the county means, Σ f (x/μ) ln(x/μ) with f the pupil share, over positive means; NULL when none is positive.", unit: "1", values: "" },
    Meaning { table: "equity_across", column: "mld", meaning: "The mean log deviation of the county means, Σ f ln(μ/x), over positive means; NULL when none is positive.", unit: "1", values: "" },
    Meaning { table: "equity_across", column: "mcloone", meaning: "McLoone index of the county means: the pupil-weighted total below the median ÷ that total at the median (1 when none is below); NULL when the median is 0.", unit: "1", values: "" },
    Meaning { table: "equity_across", column: "verstegen", meaning: "Verstegen index of the county means: the pupil-weighted total above the median ÷ that total at the median (1 when none is above); NULL when the median is 0.", unit: "1", values: "" },
    Meaning { table: "equity_across", column: "p5", meaning: "The pupil-weighted 5th percentile of the county means.", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "equity_across", column: "median", meaning: "The pupil-weighted median of the county means.", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "equity_across", column: "p95", meaning: "The pupil-weighted 95th percentile of the county means.", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "equity_across", column: "restricted_range", meaning: "The restricted range, p95 − p5.", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "equity_across", column: "federal_range_ratio", meaning: "The federal range ratio, (p95 − p5) ÷ p5; NULL when p5 is 0.", unit: "1", values: "" },
    Meaning { table: "equity_across", column: "max_min_ratio", meaning: "The largest county mean ÷ the smallest; NULL when the smallest is 0.", unit: "1", values: "" },
    Meaning { table: "equity_across", column: "rules", meaning: "The set of rules the row was computed under (balance limits and standards, funding rules and floors, audit thresholds).", unit: "", values: "national: the national rules; national+provinces: the default, national rules with each shipped province's own funding floors for its counties; otherwise a rules folder's name (e.g. 140000)" },
    Meaning { table: "equity_across", column: "rules_hash", meaning: "The first 16 hex digits of the SHA-256 of the rules' merged content (balance, funding, audit, floors): rows with the same hash were computed under the same rules.", unit: "", values: "" },
    // urban_rural
    Meaning { table: "urban_rural", column: "year", meaning: "The year of the data the row was computed from (统计年份).", unit: "", values: "" },
    Meaning { table: "urban_rural", column: "county_code", meaning: "The county's 6-digit administrative code (县区代码, GB/T 2260).", unit: "", values: "" },
    Meaning { table: "urban_rural", column: "level", meaning: "The level of compulsory education (学段) the row is about; levels are never pooled.", unit: "", values: "primary: 小学; junior: 初中" },
    Meaning { table: "urban_rural", column: "standard", meaning: "The balance standard whose indicators and scope of school units the row uses.", unit: "", values: "basic: 基本均衡 (教督〔2012〕3号: 8 indicators; special-education schools left out); quality: 优质均衡 资源配置 (教督〔2017〕6号: 7 indicators; also teaching points of under 50 pupils, nationally, left out)" },
    Meaning { table: "urban_rural", column: "indicator", meaning: "The per-school indicator: a resource per pupil (or per 100 pupils) of a school unit (a school at one level; a combined school's whole-school resources split by weighted enrolment).", unit: "", values: "basic: teach_area_per_student 生均教学及辅助用房面积, sports_area_per_student 生均体育运动场馆面积, equipment_value_per_student 生均教学仪器设备值, computers_per_100 每百名学生拥有计算机台数, books_per_student 生均图书册数, teachers_per_student 师生比, degree_teachers_per_student 生均高于规定学历教师数, titled_teachers_per_student 生均中级及以上专业技术职务教师数; quality: degree_teachers_per_100 每百名学生拥有高于规定学历教师数, backbone_teachers_per_100 每百名学生拥有县级以上骨干教师数, pe_art_teachers_per_100 每百名学生拥有体育、艺术专任教师数, teach_area_per_student, sports_area_per_student, equipment_value_per_student, multimedia_rooms_per_100 每百名学生拥有网络多媒体教室数" },
    Meaning { table: "urban_rural", column: "grouping", meaning: "How the school units are grouped by their urban–rural code (统计用城乡分类代码).", unit: "", values: "three: 城区 (111, 112) / 镇区 (121–123) / 乡村 (210, 220); two: 城镇 (城区 + 镇区, in the urban columns; town columns empty) / 乡村" },
    Meaning { table: "urban_rural", column: "schools_urban", meaning: "School units of 城区 (城镇 under grouping two) that report the indicator.", unit: "所", values: "" },
    Meaning { table: "urban_rural", column: "students_urban", meaning: "Their pupils.", unit: "人", values: "" },
    Meaning { table: "urban_rural", column: "mean_urban", meaning: "The pupil-weighted mean of the indicator over them; NULL when there are none.", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "urban_rural", column: "schools_town", meaning: "School units of 镇区 that report the indicator; NULL under grouping two.", unit: "所", values: "" },
    Meaning { table: "urban_rural", column: "students_town", meaning: "Their pupils; NULL under grouping two.", unit: "人", values: "" },
    Meaning { table: "urban_rural", column: "mean_town", meaning: "The pupil-weighted mean of the indicator over them; NULL when there are none, and under grouping two.", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "urban_rural", column: "schools_rural", meaning: "School units of 乡村 that report the indicator.", unit: "所", values: "" },
    Meaning { table: "urban_rural", column: "students_rural", meaning: "Their pupils.", unit: "人", values: "" },
    Meaning { table: "urban_rural", column: "mean_rural", meaning: "The pupil-weighted mean of the indicator over them; NULL when there are none.", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "urban_rural", column: "rural_urban_ratio", meaning: "mean_rural ÷ mean_urban; NULL when either is missing or mean_urban is 0.", unit: "1", values: "" },
    Meaning { table: "urban_rural", column: "town_urban_ratio", meaning: "mean_town ÷ mean_urban; NULL when either is missing or mean_urban is 0.", unit: "1", values: "" },
    Meaning { table: "urban_rural", column: "gap_urban_rural", meaning: "mean_urban − mean_rural.", unit: "the indicator's: ㎡/生, 元/生, 册/生, 人/生, 台/百生, 人/百生 or 间/百生", values: "" },
    Meaning { table: "urban_rural", column: "between_cv", meaning: "The CV of the group means around the county mean (groups as units, weighted by their pupils); NULL when the mean is not positive.", unit: "1", values: "" },
    Meaning { table: "urban_rural", column: "between_share", meaning: "The share of the total pupil-weighted variance that lies between the groups (total = within + between); NULL when the variance is 0.", unit: "1", values: "" },
    Meaning { table: "urban_rural", column: "theil_t", meaning: "Theil T of the units with a positive value (pupil-weighted): theil_between + theil_within; NULL when none is positive.", unit: "1", values: "" },
    Meaning { table: "urban_rural", column: "theil_between", meaning: "The between-group part of Theil T, Σ s_g ln(μ_g/μ), s_g the group's share of Σ pupils × value.", unit: "1", values: "" },
    Meaning { table: "urban_rural", column: "theil_within", meaning: "The within-group part of Theil T, Σ s_g T_g, T_g the group's own Theil T.", unit: "1", values: "" },
    Meaning { table: "urban_rural", column: "rules", meaning: "The set of rules the row was computed under (balance limits and standards, funding rules and floors, audit thresholds).", unit: "", values: "national: the national rules; national+provinces: the default, national rules with each shipped province's own funding floors for its counties; otherwise a rules folder's name (e.g. 140000)" },
    Meaning { table: "urban_rural", column: "rules_hash", meaning: "The first 16 hex digits of the SHA-256 of the rules' merged content (balance, funding, audit, floors): rows with the same hash were computed under the same rules.", unit: "", values: "" },
    // growth
    Meaning { table: "growth", column: "year", meaning: "The year of the value (compared with the year before).", unit: "", values: "" },
    Meaning { table: "growth", column: "county_code", meaning: "The county's 6-digit administrative code (县区代码, GB/T 2260).", unit: "", values: "" },
    Meaning { table: "growth", column: "indicator", meaning: "The county series: a county indicator id, edu_expenditure_per_student_computed (budget spending ÷ pupils), basic_composite_cv_LEVEL or cv_STANDARD_LEVEL_INDICATOR (balance CVs).", unit: "", values: "" },
    Meaning { table: "growth", column: "value", meaning: "The series' value in the year.", unit: "the series' (the catalogue's unit; 1 for CVs; 元 for per-student spending)", values: "" },
    Meaning { table: "growth", column: "previous_value", meaning: "The series' value in the year before; NULL when it has none (the chain breaks).", unit: "the series' (the catalogue's unit; 1 for CVs; 元 for per-student spending)", values: "" },
    Meaning { table: "growth", column: "change", meaning: "value − previous_value.", unit: "the series' (the catalogue's unit; 1 for CVs; 元 for per-student spending)", values: "" },
    Meaning { table: "growth", column: "pct_change", meaning: "The year-on-year change in percent, (value − previous_value) ÷ previous_value × 100; NULL when previous_value is missing or 0.", unit: "%", values: "" },
    Meaning { table: "growth", column: "rank_in_prefecture", meaning: "The county's rank by pct_change among the counties of its prefecture, for the year and series.", unit: "", values: "1 = the largest increase; ties share the lower rank (1, 2, 2, 4); NULL without a change" },
    Meaning { table: "growth", column: "rank_in_province", meaning: "The county's rank by pct_change among the counties of its province, for the year and series.", unit: "", values: "1 = the largest increase; ties share the lower rank (1, 2, 2, 4); NULL without a change" },
    Meaning { table: "growth", column: "note", meaning: "Where the series starts, breaks or stops, and reported per-student spending that disagrees with spending ÷ pupils; several joined by ; .", unit: "", values: "first year of the series; no value for YEAR: the chain breaks here; reported differs from spending / students (X) by more than 0.5%; the county reports nothing after this year (re-coded? see --crosswalk); NULL otherwise" },
    Meaning { table: "growth", column: "rules", meaning: "The set of rules the row was computed under (balance limits and standards, funding rules and floors, audit thresholds).", unit: "", values: "national: the national rules; national+provinces: the default, national rules with each shipped province's own funding floors for its counties; otherwise a rules folder's name (e.g. 140000)" },
    Meaning { table: "growth", column: "rules_hash", meaning: "The first 16 hex digits of the SHA-256 of the rules' merged content (balance, funding, audit, floors): rows with the same hash were computed under the same rules.", unit: "", values: "" },
    // growth_checks
    Meaning { table: "growth_checks", column: "year", meaning: "The year judged (the not-decreasing checks compare it with the year before).", unit: "", values: "" },
    Meaning { table: "growth_checks", column: "county_code", meaning: "The county's 6-digit administrative code (县区代码, GB/T 2260).", unit: "", values: "" },
    Meaning { table: "growth_checks", column: "check", meaning: "The funding rule checked (两个只增不减, 生均公用经费 floors, matching funds, teacher pay).", unit: "", values: "budget_not_decreasing: 一般公共预算教育支出 not below last year's; per_student_not_decreasing: per-student budget spending not below last year's; public_funds_primary, public_funds_junior, public_funds_special: the reported 生均公用经费 standard at least the floor; matching_funds: county matching funds paid at least those required; teacher_pay: teachers' average pay at least civil servants'" },
    Meaning { table: "growth_checks", column: "basis", meaning: "For per_student_not_decreasing, which per-student spending was compared (one basis for both years); NULL on the other checks.", unit: "", values: "reported: the county's edu_expenditure_per_student; computed: edu_budget_expenditure ÷ edu_budget_students (the rules' basis, or when the county does not report per-student spending in one of the two years)" },
    Meaning { table: "growth_checks", column: "value", meaning: "The figure judged, this year: budget spending, per-student spending, the reported 生均公用经费 standard, matching funds paid, or teachers' average pay.", unit: "元", values: "" },
    Meaning { table: "growth_checks", column: "reference", meaning: "What it is judged against: last year's figure, the floor that applies (the higher of national and provincial), the matching funds required, or civil servants' average pay.", unit: "元", values: "" },
    Meaning { table: "growth_checks", column: "pct", meaning: "For the not-decreasing checks the growth over last year; for the others value ÷ reference × 100; NULL when it cannot be computed.", unit: "%", values: "" },
    Meaning { table: "growth_checks", column: "passed", meaning: "Whether the check holds (value ≥ reference).", unit: "", values: "true: holds; false: does not; NULL: not judged, a figure it needs is not reported" },
    Meaning { table: "growth_checks", column: "detail", meaning: "The check in words: the figures compared, or what is missing.", unit: "", values: "" },
    Meaning { table: "growth_checks", column: "rules", meaning: "The set of rules the row was computed under (balance limits and standards, funding rules and floors, audit thresholds).", unit: "", values: "national: the national rules; national+provinces: the default, national rules with each shipped province's own funding floors for its counties; otherwise a rules folder's name (e.g. 140000)" },
    Meaning { table: "growth_checks", column: "rules_hash", meaning: "The first 16 hex digits of the SHA-256 of the rules' merged content (balance, funding, audit, floors): rows with the same hash were computed under the same rules.", unit: "", values: "" },
    // growth_window
    Meaning { table: "growth_window", column: "from_year", meaning: "The first year of the window.", unit: "", values: "" },
    Meaning { table: "growth_window", column: "to_year", meaning: "The last year of the window.", unit: "", values: "" },
    Meaning { table: "growth_window", column: "county_code", meaning: "The county's 6-digit administrative code (县区代码, GB/T 2260).", unit: "", values: "" },
    Meaning { table: "growth_window", column: "indicator", meaning: "The county series: a county indicator id, edu_expenditure_per_student_computed (budget spending ÷ pupils), basic_composite_cv_LEVEL or cv_STANDARD_LEVEL_INDICATOR (balance CVs).", unit: "", values: "" },
    Meaning { table: "growth_window", column: "value_from", meaning: "The series' value in from_year.", unit: "the series' (the catalogue's unit; 1 for CVs; 元 for per-student spending)", values: "" },
    Meaning { table: "growth_window", column: "value_to", meaning: "The series' value in to_year.", unit: "the series' (the catalogue's unit; 1 for CVs; 元 for per-student spending)", values: "" },
    Meaning { table: "growth_window", column: "cagr_pct", meaning: "Compound annual growth, ((value_to ÷ value_from)^(1 ÷ (to_year − from_year)) − 1) × 100; NULL when value_from ≤ 0 or value_to < 0.", unit: "%", values: "" },
    Meaning { table: "growth_window", column: "rank_in_prefecture", meaning: "The county's rank by cagr_pct among the counties of its prefecture, for the window and series.", unit: "", values: "1 = the largest increase; ties share the lower rank (1, 2, 2, 4); NULL without a change" },
    Meaning { table: "growth_window", column: "rank_in_province", meaning: "The county's rank by cagr_pct among the counties of its province, for the window and series.", unit: "", values: "1 = the largest increase; ties share the lower rank (1, 2, 2, 4); NULL without a change" },
    Meaning { table: "growth_window", column: "rules", meaning: "The set of rules the row was computed under (balance limits and standards, funding rules and floors, audit thresholds).", unit: "", values: "national: the national rules; national+provinces: the default, national rules with each shipped province's own funding floors for its counties; otherwise a rules folder's name (e.g. 140000)" },
    Meaning { table: "growth_window", column: "rules_hash", meaning: "The first 16 hex digits of the SHA-256 of the rules' merged content (balance, funding, audit, floors): rows with the same hash were computed under the same rules.", unit: "", values: "" },
    // plan
    Meaning { table: "plan", column: "year", meaning: "The year planned for (its data).", unit: "", values: "" },
    Meaning { table: "plan", column: "county_code", meaning: "The county's 6-digit administrative code (县区代码, GB/T 2260).", unit: "", values: "" },
    Meaning { table: "plan", column: "level", meaning: "The level of the school unit the addition serves.", unit: "", values: "primary: 小学; junior: 初中; primary,junior: a whole-school addition serving both levels of a combined school" },
    Meaning { table: "plan", column: "school_id", meaning: "学校标识码: the school's identifier, unique within a year (10 digits nationally: category, province, sequence).", unit: "", values: "" },
    Meaning { table: "plan", column: "school_name", meaning: "学校名称: the school's name as loaded.", unit: "", values: "" },
    Meaning { table: "plan", column: "resource", meaning: "The schools column the addition is to (a combined school's whole-school column for space, equipment and rooms).", unit: "", values: "primary_/junior_ degree_teachers, backbone_teachers, pe_art_teachers; teaching_area_m2; sports_area_m2; equipment_value_yuan; multimedia_rooms; primary_/junior_teachers: the hired teachers the level's teachers grow by" },
    Meaning { table: "plan", column: "add", meaning: "The whole units added to that column over the plan's rounds, in unit.", unit: "as in unit", values: "" },
    Meaning { table: "plan", column: "unit", meaning: "The unit of add.", unit: "", values: "人: teachers; ㎡: teaching space or sports ground; 元: equipment value; 间: multimedia classrooms" },
    Meaning { table: "plan", column: "cost", meaning: "The addition's cost under the costs file (hiring, and a year's pay on the one_year_pay basis; backbone designation; ㎡ built; equipment; rooms); 0 on hired-teacher rows.", unit: "元", values: "" },
    Meaning { table: "plan", column: "indicator", meaning: "The quality indicator the addition raises; empty on the rows of hired teachers.", unit: "", values: "degree_teachers_per_100, backbone_teachers_per_100, pe_art_teachers_per_100, teach_area_per_student, sports_area_per_student, equipment_value_per_student, multimedia_rooms_per_100 (the 7 quality indicators); empty: a row of hired teachers" },
    Meaning { table: "plan", column: "purpose", meaning: "Which target of 优质均衡 needs the addition.", unit: "", values: "school rule: the school passing the school rule; CV: an inter-school CV within its limit; school rule, CV: both; hired teachers counted in the level's teachers: the level's 专任教师 grow by the hires (costed on the other rows)" },
    Meaning { table: "plan", column: "rules", meaning: "The set of rules the row was computed under (balance limits and standards, funding rules and floors, audit thresholds).", unit: "", values: "national: the national rules; national+provinces: the default, national rules with each shipped province's own funding floors for its counties; otherwise a rules folder's name (e.g. 140000)" },
    Meaning { table: "plan", column: "rules_hash", meaning: "The first 16 hex digits of the SHA-256 of the rules' merged content (balance, funding, audit, floors): rows with the same hash were computed under the same rules.", unit: "", values: "" },
    // audit
    Meaning { table: "audit", column: "year", meaning: "The year of the value flagged (数据核查).", unit: "", values: "" },
    Meaning { table: "audit", column: "county_code", meaning: "The county's 6-digit administrative code (县区代码, GB/T 2260).", unit: "", values: "" },
    Meaning { table: "audit", column: "school_id", meaning: "学校标识码 of the school flagged; NULL for a county-level flag.", unit: "", values: "" },
    Meaning { table: "audit", column: "school_name", meaning: "The name of the school flagged; NULL for a county-level flag.", unit: "", values: "" },
    Meaning { table: "audit", column: "level", meaning: "The level of the column flagged.", unit: "", values: "primary: 小学; junior: 初中; NULL: a whole-school column or a county-level flag" },
    Meaning { table: "audit", column: "column", meaning: "The column flagged: a schools column, pupils (the school's pupils of every level), or a county indicator id for a county-level flag.", unit: "", values: "" },
    Meaning { table: "audit", column: "value", meaning: "The value flagged, in its column's unit; NULL when the flag is that it is not reported.", unit: "the column's", values: "" },
    Meaning { table: "audit", column: "rule", meaning: "The rule that flags it.", unit: "", values: "强制: part_above_whole, pupils_without_classes, classes_without_pupils, average_class_outside, largest_below_average; 提示: unit_slip_year_on_year, unit_slip_stratum, hidiroglou_berthelot, robust_outlier, shell_school_empty, shell_school_no_resources, missing_key_value, large_class, very_large_class, county_pupils_below_schools, county_per_student_mismatch, county_spending_jump" },
    Meaning { table: "audit", column: "severity", meaning: "How strong the flag is.", unit: "", values: "强制: impossible (逻辑校验), to be corrected; 提示: suspicious, or a finding such as a large class (经验校验), to be corrected or explained" },
    Meaning { table: "audit", column: "compared_with", meaning: "What the value was compared with: last (or next) year's value, an expected value (stratum or province median), the whole or level figure, a class-size threshold, or the county's computed figure.", unit: "mostly the column's", values: "" },
    Meaning { table: "audit", column: "bound", meaning: "The bound the value breaks, in words (e.g. ≤ 小学专任教师数, 平均班额 1–99 人, |log10(本年/上年)| ≤ 2.5).", unit: "", values: "" },
    Meaning { table: "audit", column: "message", meaning: "The flag in words (Chinese): the value, what it was compared with and what is suspected.", unit: "", values: "" },
    Meaning { table: "audit", column: "weight", meaning: "How much the flag weighs on its county's figures: |value − expected| ÷ the county's total of the column; for a county-level flag its relative difference from compared_with.", unit: "1", values: "" },
    Meaning { table: "audit", column: "sensitive", meaning: "The county verdicts the flag could change (数据待核实, see audit_verdicts), e.g. 小学基本均衡; 初中优质均衡（资源配置）; NULL when none or the rule is not a suspected slip.", unit: "", values: "" },
    Meaning { table: "audit", column: "rules", meaning: "The set of rules the row was computed under (balance limits and standards, funding rules and floors, audit thresholds).", unit: "", values: "national: the national rules; national+provinces: the default, national rules with each shipped province's own funding floors for its counties; otherwise a rules folder's name (e.g. 140000)" },
    Meaning { table: "audit", column: "rules_hash", meaning: "The first 16 hex digits of the SHA-256 of the rules' merged content (balance, funding, audit, floors): rows with the same hash were computed under the same rules.", unit: "", values: "" },
    // audit_verdicts
    Meaning { table: "audit_verdicts", column: "year", meaning: "The year of the data the row was computed from (统计年份).", unit: "", values: "" },
    Meaning { table: "audit_verdicts", column: "county_code", meaning: "The county's 6-digit administrative code (县区代码, GB/T 2260).", unit: "", values: "" },
    Meaning { table: "audit_verdicts", column: "level", meaning: "The level of compulsory education (学段) the row is about; levels are never pooled.", unit: "", values: "primary: 小学; junior: 初中" },
    Meaning { table: "audit_verdicts", column: "standard", meaning: "The balance standard whose indicators and scope of school units the row uses.", unit: "", values: "basic: 基本均衡 (教督〔2012〕3号: 8 indicators; special-education schools left out); quality: 优质均衡 资源配置 (教督〔2017〕6号: 7 indicators; also teaching points of under 50 pupils, nationally, left out)" },
    Meaning { table: "audit_verdicts", column: "met", meaning: "The county verdict as the data stand (as balance_verdicts.met); NULL on a row of a verdict without suspected flags, which does not restate it.", unit: "", values: "true: 达到; false: 未达到; NULL: not restated" },
    Meaning { table: "audit_verdicts", column: "met_without_flagged", meaning: "The verdict computed again with the suspected school-years left out; NULL on a row without suspected flags.", unit: "", values: "true: 达到; false: 未达到; NULL: not computed" },
    Meaning { table: "audit_verdicts", column: "met_with_expected", meaning: "The verdict computed again with the suspected values at their expected values (last year's, the stratum's, the whole); NULL on a row without suspected flags.", unit: "", values: "true: 达到; false: 未达到; NULL: not computed" },
    Meaning { table: "audit_verdicts", column: "sensitive", meaning: "Whether the verdict changes without the suspected school-years or with their expected values (数据待核实).", unit: "", values: "true: 数据待核实, the verdict could change; false: unchanged, or nothing suspected" },
    Meaning { table: "audit_verdicts", column: "flags", meaning: "The flagged schools (学校标识码) the verdict hangs on, or every flagged school of the county when no single one changes it; joined by , ; empty when none.", unit: "", values: "" },
    Meaning { table: "audit_verdicts", column: "message", meaning: "The finding in words (Chinese): 数据待核实 with the three verdicts and the schools, or that the verdict does not change.", unit: "", values: "" },
    Meaning { table: "audit_verdicts", column: "rules", meaning: "The set of rules the row was computed under (balance limits and standards, funding rules and floors, audit thresholds).", unit: "", values: "national: the national rules; national+provinces: the default, national rules with each shipped province's own funding floors for its counties; otherwise a rules folder's name (e.g. 140000)" },
    Meaning { table: "audit_verdicts", column: "rules_hash", meaning: "The first 16 hex digits of the SHA-256 of the rules' merged content (balance, funding, audit, floors): rows with the same hash were computed under the same rules.", unit: "", values: "" },
    // evaluation
    Meaning { table: "evaluation", column: "year", meaning: "The year evaluated.", unit: "", values: "" },
    Meaning { table: "evaluation", column: "scheme", meaning: "The evaluation scheme's name ([scheme] name of its file).", unit: "", values: "" },
    Meaning { table: "evaluation", column: "scheme_version", meaning: "The scheme's version ([scheme] version).", unit: "", values: "" },
    Meaning { table: "evaluation", column: "county_code", meaning: "The county's 6-digit administrative code (县区代码, GB/T 2260).", unit: "", values: "" },
    Meaning { table: "evaluation", column: "county_name", meaning: "县区名称 (from counties).", unit: "", values: "" },
    Meaning { table: "evaluation", column: "area", meaning: "The scheme area (方面) the point belongs to, by its Chinese title.", unit: "", values: "" },
    Meaning { table: "evaluation", column: "key_point", meaning: "The key point (评价重点) the point belongs to, by its Chinese title.", unit: "", values: "" },
    Meaning { table: "evaluation", column: "point_id", meaning: "The observation point's id in the scheme.", unit: "", values: "" },
    Meaning { table: "evaluation", column: "point", meaning: "The observation point (观测点), by its Chinese title.", unit: "", values: "" },
    Meaning { table: "evaluation", column: "point_en", meaning: "The observation point's English title (its metric in English words when the scheme gives none).", unit: "", values: "" },
    Meaning { table: "evaluation", column: "value", meaning: "The county's value of the point's metric (1 or 0 for a verdict, a check or a reported yes/no); NULL when it has none.", unit: "the metric's", values: "" },
    Meaning { table: "evaluation", column: "threshold", meaning: "The threshold applied, as written in the explanation (e.g. ≥ 95, ≤ 0.65, between [a, b]; zero → full for linear scoring, 100% for share, 1 for a reported verdict); NULL when missing.", unit: "", values: "" },
    Meaning { table: "evaluation", column: "status", meaning: "The point's verdict for the county.", unit: "", values: "met: the threshold is met (every point earned); failed: not met (none earned); partial: linear or share scoring between none and all; missing: no value, or no threshold for the county's region (待填报)" },
    Meaning { table: "evaluation", column: "points", meaning: "The points the observation point is worth (1 for a recognition item without points).", unit: "分", values: "" },
    Meaning { table: "evaluation", column: "earned", meaning: "The points earned, rounded to 0.01; NULL when the point is missing.", unit: "分", values: "" },
    Meaning { table: "evaluation", column: "veto", meaning: "Whether the point is 一票否决: failing it caps the grade at the veto grade (a recognition: 未达到).", unit: "", values: "true: a veto point; false: not" },
    Meaning { table: "evaluation", column: "explanation", meaning: "The point's result in plain words (Chinese): the value against the threshold, or what is missing.", unit: "", values: "" },
    Meaning { table: "evaluation", column: "data_check", meaning: "数据待核实: the audit's finding when the point's figure rests on a county verdict the audit finds sensitive (audit_verdicts); NULL otherwise.", unit: "", values: "" },
    Meaning { table: "evaluation", column: "rules", meaning: "The set of rules the row was computed under (balance limits and standards, funding rules and floors, audit thresholds).", unit: "", values: "national: the national rules; national+provinces: the default, national rules with each shipped province's own funding floors for its counties; otherwise a rules folder's name (e.g. 140000)" },
    Meaning { table: "evaluation", column: "rules_hash", meaning: "The first 16 hex digits of the SHA-256 of the rules' merged content (balance, funding, audit, floors): rows with the same hash were computed under the same rules.", unit: "", values: "" },
    // evaluation_summary
    Meaning { table: "evaluation_summary", column: "year", meaning: "The year evaluated.", unit: "", values: "" },
    Meaning { table: "evaluation_summary", column: "scheme", meaning: "The evaluation scheme's name ([scheme] name of its file).", unit: "", values: "" },
    Meaning { table: "evaluation_summary", column: "scheme_version", meaning: "The scheme's version ([scheme] version).", unit: "", values: "" },
    Meaning { table: "evaluation_summary", column: "county_code", meaning: "The county's 6-digit administrative code (县区代码, GB/T 2260).", unit: "", values: "" },
    Meaning { table: "evaluation_summary", column: "county_name", meaning: "县区名称 (from counties).", unit: "", values: "" },
    Meaning { table: "evaluation_summary", column: "prefecture_code", meaning: "The county's prefecture code (from counties).", unit: "", values: "" },
    Meaning { table: "evaluation_summary", column: "prefecture_name", meaning: "The county's prefecture name (from counties).", unit: "", values: "" },
    Meaning { table: "evaluation_summary", column: "province_code", meaning: "The county's province code (from counties).", unit: "", values: "" },
    Meaning { table: "evaluation_summary", column: "province_name", meaning: "The county's province name (from counties).", unit: "", values: "" },
    Meaning { table: "evaluation_summary", column: "total", meaning: "The points earned, summed over the points (each rounded to 0.01); NULL for a county without data for the year.", unit: "分", values: "" },
    Meaning { table: "evaluation_summary", column: "max_points", meaning: "The points of every observation point that applies in the year.", unit: "分", values: "" },
    Meaning { table: "evaluation_summary", column: "points_with_data", meaning: "The points of the observation points with data (not missing).", unit: "分", values: "" },
    Meaning { table: "evaluation_summary", column: "grade", meaning: "The county's grade; withheld (待补报) while points without data could still change it.", unit: "", values: "a points scheme's grade names (by cut points, capped at the veto grade when a veto point failed); a recognition's 达到 / 未达到; 待补报: withheld; NULL: no data for the year (无数据)" },
    Meaning { table: "evaluation_summary", column: "score_on_data", meaning: "The score on the points with data: total ÷ points_with_data × max_points (a recognition: the total once settled); NULL when none has data or a recognition is 待补报.", unit: "分", values: "" },
    Meaning { table: "evaluation_summary", column: "grade_on_data", meaning: "The grade of score_on_data, given when at least half the points have data (a recognition: its settled verdict); NULL otherwise.", unit: "", values: "the scheme's grade names, or 达到 / 未达到; NULL: not given" },
    Meaning { table: "evaluation_summary", column: "failed_points", meaning: "The observation points failed (partial ones not counted).", unit: "项", values: "" },
    Meaning { table: "evaluation_summary", column: "missing_points", meaning: "The observation points without data (待填报).", unit: "项", values: "" },
    Meaning { table: "evaluation_summary", column: "vetoes", meaning: "The ids of the failed 一票否决 points, joined by , ; empty when none.", unit: "", values: "" },
    Meaning { table: "evaluation_summary", column: "largest_gaps", meaning: "The up to 3 failed or partial points that lose the most, each with its explanation and the points lost; joined by ；.", unit: "", values: "" },
    Meaning { table: "evaluation_summary", column: "gap_list", meaning: "差距清单: every point not met, failed 一票否决 items first, then failed (largest loss first), partial and missing (待填报) ones; joined by ；.", unit: "", values: "" },
    Meaning { table: "evaluation_summary", column: "data_check_points", meaning: "The points whose figure rests on a county verdict the audit finds sensitive (数据待核实).", unit: "项", values: "" },
    Meaning { table: "evaluation_summary", column: "rules", meaning: "The set of rules the row was computed under (balance limits and standards, funding rules and floors, audit thresholds).", unit: "", values: "national: the national rules; national+provinces: the default, national rules with each shipped province's own funding floors for its counties; otherwise a rules folder's name (e.g. 140000)" },
    Meaning { table: "evaluation_summary", column: "rules_hash", meaning: "The first 16 hex digits of the SHA-256 of the rules' merged content (balance, funding, audit, floors): rows with the same hash were computed under the same rules.", unit: "", values: "" },
    // schools
    Meaning { table: "schools", column: "year", meaning: "年份: the year the school's data are of (1990–2100).", unit: "", values: "" },
    Meaning { table: "schools", column: "county_code", meaning: "县区代码: the county the school belongs to (6-digit code, GB/T 2260).", unit: "", values: "" },
    Meaning { table: "schools", column: "school_id", meaning: "学校标识码: the school's identifier, unique within a year (10 digits nationally: category, province, sequence).", unit: "", values: "" },
    Meaning { table: "schools", column: "school_name", meaning: "学校名称: the school's name as loaded.", unit: "", values: "" },
    Meaning { table: "schools", column: "school_type", meaning: "办学类型: the school's type, which decides its levels and how its whole-school resources are split.", unit: "", values: "primary: 小学; teaching_point: 教学点; junior: 初中; nine_year: 九年一贯制学校; complete_secondary: 完全中学; twelve_year: 十二年一贯制学校; special: 特殊教育学校" },
    Meaning { table: "schools", column: "urban_rural_code", meaning: "统计用城乡分类代码: where the school is, grouped into 城区, 镇区 and 乡村 for urban–rural measures.", unit: "", values: "111 主城区, 112 城乡结合区 (城区, urban); 121 镇中心区, 122 镇乡结合区, 123 特殊区域 (镇区, town); 210 乡中心区, 220 村庄 (乡村, rural)" },
    Meaning { table: "schools", column: "primary_students", meaning: "小学在校生数: the school's primary pupils; NULL when not reported (never read as 0).", unit: "人", values: "" },
    Meaning { table: "schools", column: "junior_students", meaning: "初中在校生数: the school's junior pupils; NULL when not reported.", unit: "人", values: "" },
    Meaning { table: "schools", column: "senior_students", meaning: "高中在校生数: the school's senior pupils, used to split a combined school's whole-school resources; NULL when not reported.", unit: "人", values: "" },
    Meaning { table: "schools", column: "primary_classes", meaning: "小学班数: the school's primary classes.", unit: "个", values: "" },
    Meaning { table: "schools", column: "junior_classes", meaning: "初中班数: the school's junior classes.", unit: "个", values: "" },
    Meaning { table: "schools", column: "max_class_size", meaning: "最大班额: the school's largest class.", unit: "人", values: "" },
    Meaning { table: "schools", column: "teaching_area_m2", meaning: "教学及辅助用房面积: the whole school's teaching and auxiliary floor space (including indoor sports rooms where the rules count those as sports space).", unit: "㎡", values: "" },
    Meaning { table: "schools", column: "sports_area_m2", meaning: "体育运动场馆面积: the whole school's sports grounds and halls (without indoor sports rooms where the rules add those).", unit: "㎡", values: "" },
    Meaning { table: "schools", column: "equipment_value_yuan", meaning: "教学仪器设备值: the whole school's teaching equipment value.", unit: "元", values: "" },
    Meaning { table: "schools", column: "computers", meaning: "教学用计算机台数: the whole school's computers for teaching.", unit: "台", values: "" },
    Meaning { table: "schools", column: "books", meaning: "图书册数: the whole school's books.", unit: "册", values: "" },
    Meaning { table: "schools", column: "multimedia_rooms", meaning: "网络多媒体教室数: the whole school's network multimedia classrooms.", unit: "间", values: "" },
    Meaning { table: "schools", column: "music_rooms", meaning: "音乐专用教室数: the school's music rooms.", unit: "间", values: "" },
    Meaning { table: "schools", column: "art_rooms", meaning: "美术专用教室数: the school's art rooms.", unit: "间", values: "" },
    Meaning { table: "schools", column: "indoor_sports_area_m2", meaning: "室内体育用房面积: indoor sports rooms, used only where the rules count them as sports space (indoor_sports_rooms_are_sports_space).", unit: "㎡", values: "" },
    Meaning { table: "schools", column: "primary_teachers", meaning: "小学专任教师数: the school's full-time primary teachers.", unit: "人", values: "" },
    Meaning { table: "schools", column: "primary_degree_teachers", meaning: "小学高于规定学历教师数: primary teachers above the required degree (专科 and above).", unit: "人", values: "" },
    Meaning { table: "schools", column: "primary_titled_teachers", meaning: "小学中级及以上职称教师数: primary teachers with an intermediate or higher title.", unit: "人", values: "" },
    Meaning { table: "schools", column: "primary_backbone_teachers", meaning: "小学县级以上骨干教师数: primary backbone teachers of county level or above.", unit: "人", values: "" },
    Meaning { table: "schools", column: "primary_pe_art_teachers", meaning: "小学体育艺术专任教师数: full-time primary PE, music and art teachers.", unit: "人", values: "" },
    Meaning { table: "schools", column: "junior_teachers", meaning: "初中专任教师数: the school's full-time junior teachers.", unit: "人", values: "" },
    Meaning { table: "schools", column: "junior_degree_teachers", meaning: "初中高于规定学历教师数: junior teachers above the required degree (本科 and above).", unit: "人", values: "" },
    Meaning { table: "schools", column: "junior_titled_teachers", meaning: "初中中级及以上职称教师数: junior teachers with an intermediate or higher title.", unit: "人", values: "" },
    Meaning { table: "schools", column: "junior_backbone_teachers", meaning: "初中县级以上骨干教师数: junior backbone teachers of county level or above.", unit: "人", values: "" },
    Meaning { table: "schools", column: "junior_pe_art_teachers", meaning: "初中体育艺术专任教师数: full-time junior PE, music and art teachers.", unit: "人", values: "" },
    Meaning { table: "schools", column: "primary_max_class_size", meaning: "小学最大班额: the largest primary class (optional; a combined school needs it to be judged per level).", unit: "人", values: "" },
    Meaning { table: "schools", column: "junior_max_class_size", meaning: "初中最大班额: the largest junior class (optional; a combined school needs it to be judged per level).", unit: "人", values: "" },
    Meaning { table: "schools", column: "boarders", meaning: "寄宿生数: the school's boarders, funded above the floor (optional).", unit: "人", values: "" },
    Meaning { table: "schools", column: "public_funds_received_yuan", meaning: "公用经费实际拨付额: the public funds the school received in the year (optional).", unit: "元", values: "" },
    // counties
    Meaning { table: "counties", column: "county_code", meaning: "县区代码: the county's 6-digit code (GB/T 2260), the key.", unit: "", values: "" },
    Meaning { table: "counties", column: "county_name", meaning: "县区名称: the county's name.", unit: "", values: "" },
    Meaning { table: "counties", column: "prefecture_code", meaning: "市代码: the code of the county's prefecture (2 to 6 digits), by which growth ranks and equity across counties group it.", unit: "", values: "" },
    Meaning { table: "counties", column: "prefecture_name", meaning: "市名称: the prefecture's name.", unit: "", values: "" },
    Meaning { table: "counties", column: "province_code", meaning: "省代码: the code of the county's province (2 to 6 digits); funding floors and schemes take the province from the county code instead.", unit: "", values: "" },
    Meaning { table: "counties", column: "province_name", meaning: "省名称: the province's name.", unit: "", values: "" },
    Meaning { table: "counties", column: "region", meaning: "区域: the county's region, which decides the national 生均公用经费 floors that apply.", unit: "", values: "east: 东部; central: 中部; west: 西部" },
    // county_indicators
    Meaning { table: "county_indicators", column: "year", meaning: "年份: the year the value is of (1990–2100).", unit: "", values: "" },
    Meaning { table: "county_indicators", column: "county_code", meaning: "县区代码: the county that reports it.", unit: "", values: "" },
    Meaning { table: "county_indicators", column: "indicator", meaning: "指标: the indicator's id in indicator_catalogue (a Chinese name is stored as its id), or an id not in the catalogue, as loaded.", unit: "", values: "" },
    Meaning { table: "county_indicators", column: "value", meaning: "数值: the value, in the catalogue's unit for a catalogued indicator (converted from the unit given); rates in percent, yes/no verdicts 1 or 0.", unit: "see unit", values: "" },
    Meaning { table: "county_indicators", column: "unit", meaning: "单位: the unit of value: the catalogue's for a catalogued indicator; as written (or NULL) for another.", unit: "", values: "" },
    Meaning { table: "county_indicators", column: "note", meaning: "备注: the words the county reported with the figure (evidence of a verdict); NULL when none.", unit: "", values: "" },
    // ingest_log
    Meaning { table: "ingest_log", column: "load_id", meaning: "The load (one ingest call) the file was part of, numbered from 1.", unit: "", values: "" },
    Meaning { table: "ingest_log", column: "file", meaning: "The loaded file's absolute path.", unit: "", values: "" },
    Meaning { table: "ingest_log", column: "sha256", meaning: "The SHA-256 of the file's bytes.", unit: "", values: "" },
    Meaning { table: "ingest_log", column: "table_name", meaning: "The table the file was loaded into.", unit: "", values: "counties; schools; county_indicators" },
    Meaning { table: "ingest_log", column: "rows", meaning: "The rows loaded from the file.", unit: "行", values: "" },
    Meaning { table: "ingest_log", column: "loaded_at", meaning: "When the load was recorded (DuckDB current_timestamp).", unit: "", values: "" },
    Meaning { table: "ingest_log", column: "note", meaning: "How the file was loaded when not the usual way (with --allow-out-of-bounds); NULL otherwise.", unit: "", values: "" },
    // indicator_catalogue
    Meaning { table: "indicator_catalogue", column: "indicator", meaning: "The id of a known county indicator, or of a series growth derives (edu_expenditure_per_student_computed, basic_composite_cv_LEVEL, cv_STANDARD_LEVEL_INDICATOR).", unit: "", values: "" },
    Meaning { table: "indicator_catalogue", column: "name_zh", meaning: "The Chinese name: a reported indicator's (accepted in place of its id at ingest), or a derived series' (ending in （派生）).", unit: "", values: "" },
    Meaning { table: "indicator_catalogue", column: "unit", meaning: "The unit the indicator's values are stored in.", unit: "", values: "元; 人; %: percent (98.03, not 0.9803); 1: a ratio or coefficient; 0/1: a yes/no verdict (1 yes, 0 no); 年: a year; 级: a level" },
    // countyedu_meta
    Meaning { table: "countyedu_meta", column: "key", meaning: "The name of a setting of the warehouse.", unit: "", values: "schema_version: the version of the warehouse's schema; created_by: demo when countyedu demo created the warehouse" },
    Meaning { table: "countyedu_meta", column: "value", meaning: "The setting's value.", unit: "", values: "" },
];

/// The meaning of a column, if declared.
pub fn meaning(table: &str, column: &str) -> Option<&'static Meaning> {
    MEANINGS.iter().find(|m| m.table == table && m.column == column)
}

impl Meaning {
    /// The column's comment: its meaning, then its unit and values where it has them.
    pub fn comment(&self) -> String {
        let mut out = self.meaning.to_string();
        if !self.unit.is_empty() {
            out.push_str(&format!(" Unit: {}.", self.unit));
        }
        if !self.values.is_empty() {
            out.push_str(&format!(" Values: {}.", self.values));
        }
        out
    }
}

/// `COMMENT ON COLUMN` statements for every declared column of `table` (each ending in `;`).
pub fn comments_sql(table: &str) -> String {
    MEANINGS
        .iter()
        .filter(|m| m.table == table)
        .map(|m| format!("COMMENT ON COLUMN \"{}\".\"{}\" IS '{}';\n", m.table, m.column, m.comment().replace('\'', "''")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_of_every_table_has_a_meaning() {
        let mut tables: Vec<(String, Vec<String>)> = crate::results::RESULT_TABLES.iter().map(|t| (t.name.to_string(), t.column_names().iter().map(|c| c.to_string()).collect())).collect();
        tables.extend(crate::model::Table::ALL.iter().map(|t| (t.name().to_string(), t.columns().iter().map(|c| c.name.to_string()).collect())));
        for (table, columns) in &tables {
            for c in columns {
                let m = meaning(table, c).unwrap_or_else(|| panic!("{table}.{c} has no meaning in src/meanings.rs"));
                assert!(!m.meaning.trim().is_empty(), "{table}.{c}");
            }
        }
        // And nothing is declared of a column that does not exist.
        for m in MEANINGS.iter().filter(|m| tables.iter().any(|t| t.0 == m.table)) {
            assert!(tables.iter().any(|(t, cs)| t == m.table && cs.iter().any(|c| c == m.column)), "{}.{} is no column", m.table, m.column);
        }
    }

    #[test]
    fn every_column_is_declared_at_most_once() {
        let mut seen = std::collections::HashSet::new();
        for m in MEANINGS {
            assert!(seen.insert((m.table, m.column)), "{}.{} is declared twice", m.table, m.column);
        }
    }
}
