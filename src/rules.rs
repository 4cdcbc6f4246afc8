//! Rules as data: the national rules built into the binary, and a province's rules folder laid over them.
//!
//! A set of rules is a folder of up to four files (`config/README.md`): `balance.toml`, `funding.toml` and
//! `audit.toml`, whose keys are laid over the national ones (a province writes only what it changes), and
//! `funding_standards.csv`, whose floors are added to the national ones (the higher applies). Every command that computes takes one set,
//! so that a province's rules reach `balance`, `growth`, `evaluate` and `rank` alike; every stored metric row
//! records the set's name and a hash of its content.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::audit::AuditRules;
use crate::balance::Config;
use crate::growth::Standards;

/// The national rules as shipped in `config/national/`.
const NATIONAL_BALANCE: &str = include_str!("../config/national/balance.toml");
const NATIONAL_FUNDING: &str = include_str!("../config/national/funding.toml");
const NATIONAL_STANDARDS: &str = include_str!("../config/national/funding_standards.csv");
const NATIONAL_AUDIT: &str = crate::audit::config::NATIONAL_TOML;

/// The provinces whose rules ship (`config/provinces/<code>/`), with their floors. A province's floors concern its
/// own counties only (their `scope` is its code), so they apply by default: every county is judged against the
/// higher of the national floor and its province's own, as `shared/domain/README.md` §6 says. (A test keeps this
/// list equal to the folders.)
const SHIPPED_PROVINCE_FLOORS: &[(&str, &str)] = &[("140000", include_str!("../config/provinces/140000/funding_standards.csv"))];

/// The files a rules folder may hold.
pub const FILES: [&str; 4] = ["balance.toml", "funding.toml", "funding_standards.csv", "audit.toml"];

/// Which per-student spending 两个只增不减 compares.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The county's reported `edu_expenditure_per_student`; a year without one cannot be judged.
    Reported,
    /// `edu_budget_expenditure / edu_budget_students`.
    Computed,
}

impl Basis {
    pub fn id(self) -> &'static str {
        match self {
            Basis::Reported => "reported",
            Basis::Computed => "computed",
        }
    }
}

/// The funding rules.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    pub per_student_basis: Basis,
    pub small_school_pupils: f64,
    pub boarder_supplement_yuan: f64,
}

impl Funding {
    /// Every value outside its domain (amounts and pupils are numbers ≥ 0).
    pub fn out_of_domain(&self) -> Vec<OutOfDomain> {
        [("small_school_pupils", self.small_school_pupils, "a number of pupils ≥ 0"), ("boarder_supplement_yuan", self.boarder_supplement_yuan, "an amount of 元 ≥ 0")]
            .into_iter()
            .filter(|(_, v, _)| !v.is_finite() || *v < 0.0)
            .map(|(key, value, expected)| OutOfDomain { key: key.into(), value, expected })
            .collect()
    }
}

/// A value of a TOML file of rules (or of prices) outside its domain: its dotted key, the value and what is
/// expected.
#[derive(Clone, Debug, PartialEq)]
pub struct OutOfDomain {
    pub key: String,
    pub value: f64,
    pub expected: &'static str,
}

impl std::fmt::Display for OutOfDomain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Very large and very small values as a file writes them (1e300), not in three hundred digits.
        let v = self.value;
        if v != 0.0 && v.is_finite() && !(1e-6..1e15).contains(&v.abs()) {
            write!(f, "{} = {v:e}: expected {}", self.key, self.expected)
        } else {
            write!(f, "{} = {v}: expected {}", self.key, self.expected)
        }
    }
}

impl OutOfDomain {
    /// `file:line: key = value: expected …`, the line being that of the key in `text` (the file as written);
    /// `file: …` when the key is not written there (a value the file inherits); `line: …` without a file name
    /// (the caller names the file).
    pub fn located(&self, file: &str, text: Option<&str>) -> String {
        match (text.and_then(|t| key_line(t, &self.key)), file.is_empty()) {
            (Some(line), false) => format!("{file}:{line}: {self}"),
            (Some(line), true) => format!("{line}: {self}"),
            (None, false) => format!("{file}: {self}"),
            (None, true) => self.to_string(),
        }
    }
}

/// The line (from 1) on which a TOML text sets the dotted key `path`: under a `[table]` header, as a dotted key,
/// or inside an inline table on that line.
pub fn key_line(text: &str, path: &str) -> Option<usize> {
    let mut table = String::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if let Some(header) = line.strip_prefix('[') {
            table = header.trim_start_matches('[').trim_end_matches(']').split('.').map(|p| p.trim().trim_matches('"')).collect::<Vec<_>>().join(".");
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        let key = key.split('.').map(|p| p.trim().trim_matches('"')).collect::<Vec<_>>().join(".");
        let full = if table.is_empty() { key } else { format!("{table}.{key}") };
        if full == path || (value.trim_start().starts_with('{') && path.starts_with(&format!("{full}."))) {
            return Some(i + 1);
        }
    }
    None
}

/// One set of rules.
#[derive(Clone, Debug)]
pub struct Rules {
    /// `national`, or the folder's name (`140000`).
    pub name: String,
    /// A hash of the rules' content (the merged files), so that two folders with the same rules agree.
    pub hash: String,
    pub balance: Config,
    pub funding: Funding,
    pub standards: Standards,
    /// The thresholds of the data audit (数据核查).
    pub audit: AuditRules,
}

impl Rules {
    /// The national rules built into the binary.
    pub fn national() -> Rules {
        Rules::build("national".into(), None, None, None, None).expect("the shipped national rules are valid")
    }

    /// The rules that apply without --rules: the national ones, with every shipped province's floors for that
    /// province's counties (`national+provinces`).
    pub fn default_rules() -> Rules {
        let mut floors = String::from("scope,region,level,from_year,amount,source\n");
        for (_, csv) in SHIPPED_PROVINCE_FLOORS {
            floors.extend(csv.lines().skip(1).map(|l| format!("{l}\n")));
        }
        Rules::build("national+provinces".into(), None, None, Some(&floors), None).expect("the shipped provinces' floors are valid")
    }

    /// The rules as a reader names them, for a county of `province_code` (`province_name`): 全国标准, with the
    /// province's own floors where the rules hold them (山西省生均公用经费标准 2021 年起).
    pub fn title(&self, zh: bool, province_code: &str, province_name: &str) -> String {
        let own: Vec<&crate::growth::standards::StandardRow> = self.standards.rows().iter().filter(|r| r.scope == province_code).collect();
        let from = own.iter().map(|r| r.from_year).min();
        let base = match (self.name.starts_with("national"), zh) {
            (true, true) => "全国标准".to_string(),
            (true, false) => "national rules".to_string(),
            (false, true) => format!("规则文件夹 {}", self.name),
            (false, false) => format!("the rules of folder {}", self.name),
        };
        match (from, zh) {
            (Some(y), true) => format!("{base}；{province_name}生均公用经费标准（{y} 年起）"),
            (Some(y), false) => format!("{base}, with {province_name}'s own floors of public funds per pupil (from {y})"),
            (None, _) => base,
        }
    }

    /// The national rules with a folder's files laid over them; the error names the file and what is wrong.
    pub fn load(dir: &Path) -> Result<Rules, RulesError> {
        Rules::load_folder(dir).map_err(RulesError)
    }

    fn load_folder(dir: &Path) -> Result<Rules, String> {
        if !dir.is_dir() {
            return Err(format!("{}: not a rules folder (a folder holding {})", dir.display(), FILES.join(", ")));
        }
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let name = entry.map_err(|e| e.to_string())?.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name.eq_ignore_ascii_case("README.md") {
                continue;
            }
            if !FILES.contains(&name.as_str()) {
                return Err(format!("{}: a rules folder holds {}; {name} is not one of them", dir.display(), FILES.join(", ")));
            }
            found.push(name);
        }
        let read = |file: &str| -> Result<Option<String>, String> {
            let path = dir.join(file);
            if !path.exists() {
                return Ok(None);
            }
            std::fs::read_to_string(&path).map(Some).map_err(|e| format!("{}: {e}", path.display()))
        };
        let name = std::fs::canonicalize(dir)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| dir.display().to_string());
        let audit = read("audit.toml")?;
        Rules::build(name, read("balance.toml")?.as_deref(), read("funding.toml")?.as_deref(), read("funding_standards.csv")?.as_deref(), audit.as_deref())
            .map_err(|e| e.lines().map(|l| format!("{}/{l}", dir.display())).collect::<Vec<_>>().join("\n"))
    }

    /// The national rules with the given overlays; errors start with the file they are in.
    fn build(name: String, balance: Option<&str>, funding: Option<&str>, standards: Option<&str>, audit: Option<&str>) -> Result<Rules, String> {
        let merged_balance = overlay(NATIONAL_BALANCE, balance).map_err(|e| format!("balance.toml: {e}"))?;
        let merged_funding = overlay(NATIONAL_FUNDING, funding).map_err(|e| format!("funding.toml: {e}"))?;
        let merged_audit = overlay(NATIONAL_AUDIT, audit).map_err(|e| format!("audit.toml: {e}"))?;
        let audit_cfg: AuditRules = merged_audit.clone().try_into().map_err(|e: toml::de::Error| format!("audit.toml: {e}"))?;
        let balance_cfg = Config::parse(merged_balance.clone()).map_err(|e| format!("balance.toml: {e}"))?;
        let funding_cfg: Funding = merged_funding.clone().try_into().map_err(|e: toml::de::Error| format!("funding.toml: {e}"))?;
        // Every value outside its domain, each with the line that sets it.
        let mut problems: Vec<String> = balance_cfg.out_of_domain().iter().map(|p| p.located("balance.toml", balance)).collect();
        problems.extend(funding_cfg.out_of_domain().iter().map(|p| p.located("funding.toml", funding)));
        problems.extend(audit_cfg.out_of_domain().iter().map(|p| p.located("audit.toml", audit)));
        let mut all_standards = Standards::from_csv(NATIONAL_STANDARDS).map_err(|e| format!("funding_standards.csv (national): {e}"))?;
        if let Some(text) = standards {
            match Standards::from_csv(text) {
                Ok(s) => all_standards.extend(s),
                Err(e) => problems.push(format!("funding_standards.csv:{e}")),
            }
        }
        if !problems.is_empty() {
            return Err(problems.join("\n"));
        }
        let hash = {
            use sha2::{Digest, Sha256};
            let mut h = Sha256::new();
            h.update(toml::to_string(&merged_balance).unwrap_or_default());
            h.update(toml::to_string(&merged_funding).unwrap_or_default());
            h.update(toml::to_string(&merged_audit).unwrap_or_default());
            for row in all_standards.rows() {
                h.update(format!("{row:?}\n"));
            }
            format!("{:x}", h.finalize())[..16].to_string()
        };
        Ok(Rules { name, hash, balance: balance_cfg, funding: funding_cfg, standards: all_standards, audit: audit_cfg })
    }

    /// The columns that say which rules produced a metric row, with their values: `rules` (the name) and
    /// `rules_hash`.
    pub fn stamp(&self) -> [(&str, &str); 2] {
        [("rules", self.name.as_str()), ("rules_hash", self.hash.as_str())]
    }

    /// The rules a scheme names (`[scheme] rules = "…"`): a folder under the shipped `config/`, or a path relative
    /// to the scheme file.
    pub fn named_by_scheme(scheme_file: &Path, rules: &str, shipped_config: &Path) -> Result<Rules, RulesError> {
        if rules == "national" {
            return Ok(Rules::national());
        }
        let beside: PathBuf = scheme_file.parent().unwrap_or(Path::new(".")).join(rules);
        let dir = if beside.is_dir() { beside } else { shipped_config.join(rules) };
        Rules::load(&dir)
    }
}

/// Why a rules folder is refused: the file, and what is wrong in it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RulesError(pub String);

/// The national TOML with an overlay's keys laid over it, tables merged key by key; a key the national file does
/// not have is refused (it would be ignored, or mean a typo).
fn overlay(national: &str, overlay: Option<&str>) -> Result<toml::Table, String> {
    let mut base: toml::Table = toml::from_str(national).map_err(|e| e.to_string())?;
    if let Some(text) = overlay {
        let top: toml::Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
        merge(&mut base, top, "")?;
    }
    Ok(base)
}

fn merge(base: &mut toml::Table, over: toml::Table, at: &str) -> Result<(), String> {
    for (key, value) in over {
        let path = if at.is_empty() { key.clone() } else { format!("{at}.{key}") };
        // The old name of the indoor sports key is read as the new one.
        let key = if key == "exclude_indoor_sports_from_teaching_area" { "indoor_sports_rooms_are_sports_space".to_string() } else { key };
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o, &path)?,
            (Some(slot), v) => *slot = v,
            // Split weights of a school type the national rules do not list are a province's to add.
            (None, v) if at == "split" => {
                base.insert(key, v);
            }
            (None, _) => return Err(format!("{path}: not a key of the national rules (see config/national/)")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_rules_equal_the_shipped_national_folder() {
        let built_in = Rules::national();
        let folder = Rules::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("config/national")).unwrap();
        assert_eq!(built_in.balance, folder.balance);
        assert_eq!(built_in.funding, folder.funding);
        assert_eq!(built_in.audit, folder.audit);
        assert_eq!(built_in.hash, folder.hash);
        assert_eq!(built_in.funding.per_student_basis, Basis::Reported);
        assert_eq!(built_in.funding.small_school_pupils, 100.0);
    }

    #[test]
    fn the_default_rules_hold_every_shipped_provinces_floors_for_its_own_counties() {
        let shipped: Vec<String> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("config/provinces"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let listed: Vec<String> = SHIPPED_PROVINCE_FLOORS.iter().map(|(c, _)| c.to_string()).collect();
        assert_eq!(shipped, listed, "SHIPPED_PROVINCE_FLOORS lists every folder of config/provinces");
        let r = Rules::default_rules();
        assert_eq!(r.standards.floor("140000", "central", "primary", 2021).unwrap().amount, 930.0);
        assert_eq!(r.standards.floor("140000", "central", "junior", 2021).unwrap().amount, 1180.0);
        assert_eq!(r.standards.floor("410000", "central", "primary", 2021).unwrap().amount, 650.0, "another province keeps the national floor");
        assert_eq!(r.balance, Rules::national().balance);
        assert_eq!(r.title(true, "140000", "山西省"), "全国标准；山西省生均公用经费标准（2021 年起）");
        assert_eq!(r.title(true, "410000", "河南省"), "全国标准");
    }

    #[test]
    fn a_province_folder_changes_only_what_it_names() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("balance.toml"), "[quality.cv_max]\nprimary = 0.40\n").unwrap();
        std::fs::write(dir.path().join("funding.toml"), "per_student_basis = \"computed\"\n").unwrap();
        let r = Rules::load(dir.path()).unwrap();
        let n = Rules::national();
        assert_eq!(r.balance.quality.cv_max.primary, 0.40);
        assert_eq!(r.balance.quality.cv_max.junior, n.balance.quality.cv_max.junior);
        assert_eq!(r.balance.size, n.balance.size);
        assert_eq!(r.funding.per_student_basis, Basis::Computed);
        assert_ne!(r.hash, n.hash);
    }

    #[test]
    fn shanxi_floors_raise_the_national_ones_for_shanxi_only() {
        let r = Rules::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("config/provinces/140000")).unwrap();
        assert_eq!(r.name, "140000");
        assert_eq!(r.standards.floor("140000", "central", "primary", 2021).unwrap().amount, 930.0);
        assert_eq!(r.standards.floor("140000", "central", "junior", 2021).unwrap().amount, 1180.0);
        assert_eq!(r.standards.floor("410000", "central", "primary", 2021).unwrap().amount, 650.0);
        assert_eq!(r.balance, Rules::national().balance);
    }

    #[test]
    fn unknown_keys_and_files_are_refused_with_their_place() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("balance.toml"), "[quality.cv_maxx]\nprimary = 0.40\n").unwrap();
        let e = Rules::load(dir.path()).unwrap_err();
        assert!(e.0.contains("balance.toml: quality.cv_maxx: not a key of the national rules"), "{e}");
        std::fs::remove_file(dir.path().join("balance.toml")).unwrap();
        std::fs::write(dir.path().join("rules.txt"), "").unwrap();
        assert!(Rules::load(dir.path()).unwrap_err().0.contains("rules.txt is not one of them"));
    }
}
