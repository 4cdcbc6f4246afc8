//! Figures written the way a Chinese report writes them: 7.2 亿元, 1,545.9 万元, 12,175 元, 增长 7.5%.
//!
//! Pure functions; every report figure goes through one of them, and [`parse`] reads a written figure back (the
//! tests compare what a report shows with the warehouse value through it).

/// Digits grouped by thousands: `12175.0, 0` → "12,175"; `1545.94, 1` → "1,545.9".
pub fn grouped(x: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    let negative = x < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0');
    if negative { format!("-{out}") } else { out }
}

/// An amount of money in 元 as a report writes a total: 亿元 from 1 亿 (one decimal), 万元 from 1 万 (one
/// decimal), else whole 元.
pub fn money(yuan: f64) -> String {
    let a = yuan.abs();
    if a >= 1e8 {
        format!("{} 亿元", grouped(yuan / 1e8, if a >= 1e10 { 0 } else { 1 }))
    } else if a >= 1e4 {
        format!("{} 万元", grouped(yuan / 1e4, 1))
    } else {
        format!("{} 元", grouped(yuan, 0))
    }
}

/// An amount of money in 万元 to one decimal, whatever its size: 只增不减's totals are compared year with year, and
/// 亿元 to one decimal hides the change (4.2 against 4.2 亿元, down 1.5 %).
pub fn wan(yuan: f64) -> String {
    format!("{} 万元", grouped(yuan / 1e4, 1))
}

/// An amount per student (or per person) in whole 元: 12,175 元.
pub fn yuan(x: f64) -> String {
    format!("{} 元", grouped(x, 0))
}

/// [`money`] in English: 720.0 million yuan, 9,500 yuan.
pub fn money_en(yuan: f64) -> String {
    if yuan.abs() >= 1e6 { format!("{} million yuan", grouped(yuan / 1e6, 1)) } else { format!("{} yuan", grouped(yuan, 0)) }
}

/// [`yuan`] in English: 12,175 yuan.
pub fn yuan_en(x: f64) -> String {
    format!("{} yuan", grouped(x, 0))
}

/// A percentage given as a percentage (98.03 → "98.03%"), with the decimals asked for.
pub fn pct(x: f64, decimals: usize) -> String {
    format!("{}%", grouped(x, decimals))
}

/// A change in percent as a sentence writes it: "增长 7.5%", "下降 1.2%", "持平".
pub fn change(pct_change: f64) -> String {
    change_in(pct_change, ["增长", "下降", "持平"])
}

/// The English twin of [`change`]: "up 7.5%", "down 1.2%", "unchanged".
pub fn change_en(pct_change: f64) -> String {
    change_in(pct_change, ["up", "down", "unchanged"])
}

/// A change to one decimal with the words for up, down and no change (what rounds to 0.0).
fn change_in(pct_change: f64, [up, down, same]: [&str; 3]) -> String {
    let rounded = (pct_change * 10.0).round() / 10.0;
    if rounded > 0.0 {
        format!("{up} {}", pct(pct_change, 1))
    } else if rounded < 0.0 {
        format!("{down} {}", pct(-pct_change, 1))
    } else {
        same.to_string()
    }
}

/// A coefficient of variation (or another ratio) to three decimals.
pub fn ratio(x: f64) -> String {
    format!("{x:.3}")
}

/// A count: "1,234".
pub fn count(n: f64) -> String {
    grouped(n, 0)
}

/// A value in the unit the catalogue gives it: money as [`money`], percentages with two decimals, counts grouped,
/// other values with up to two decimals.
pub fn in_unit(x: f64, unit: &str) -> String {
    match unit {
        "元" if x.abs() >= 1e5 => money(x),
        "元" => yuan(x),
        "%" => pct(x, 2),
        "人" | "所" | "个" | "间" | "台" | "册" => count(x),
        "0/1" | "是/否" => (if x >= 0.5 { "是" } else { "否" }).to_string(),
        // A year is written as a year: 2014 年, never 2,014 年.
        "年" => format!("{} 年", x.round() as i64),
        "" | "1" => trimmed(x, 3),
        u => format!("{} {u}", trimmed(x, 2)),
    }
}

/// [`in_unit`] in the report's language: in English, yes/no and the units in English words (12,175 yuan, 3
/// persons), a ㎡ or % as it is.
pub fn in_unit_lang(x: f64, unit: &str, english: bool) -> String {
    if !english {
        return in_unit(x, unit);
    }
    match unit {
        "元" if x.abs() >= 1e5 => money_en(x),
        "元" => yuan_en(x),
        "0/1" | "是/否" => (if x >= 0.5 { "yes" } else { "no" }).to_string(),
        "人" => format!("{} persons", count(x)),
        "所" => format!("{} schools", count(x)),
        "个" | "台" => count(x),
        "间" => format!("{} rooms", count(x)),
        "册" => format!("{} volumes", count(x)),
        "万元" => format!("{} ten-thousand yuan", trimmed(x, 2)),
        "亿元" => format!("{} hundred-million yuan", trimmed(x, 2)),
        "年" => format!("{}", x.round() as i64),
        "级" => format!("level {}", count(x)),
        u => in_unit(x, u),
    }
}

/// Up to `decimals` decimals, trailing zeros dropped, grouped by thousands.
pub fn trimmed(x: f64, decimals: usize) -> String {
    let g = grouped(x, decimals);
    if g.contains('.') { g.trim_end_matches('0').trim_end_matches('.').to_string() } else { g }
}

/// Reads a figure written by this module back: its value in the base unit (亿元 and 万元 as 元, a percentage as
/// the number before %) and the half-width of its rounding (what the written value may differ from the true one).
/// `None` for text that is not a figure (待填报, 是/否).
pub fn parse(text: &str) -> Option<(f64, f64)> {
    let t = text.trim();
    // A figure the county reports as expected is marked so: 7.2 亿元（预计）.
    let t = t.strip_suffix("（预计）").or_else(|| t.strip_suffix(" (expected)")).unwrap_or(t);
    let t = t.strip_prefix("增长 ").or_else(|| t.strip_prefix("up ")).unwrap_or(t);
    let (sign, t) = match t.strip_prefix("下降 ").or_else(|| t.strip_prefix("down ")) {
        Some(rest) => (-1.0, rest),
        None => (1.0, t),
    };
    let (number, scale) = if let Some(n) = t.strip_suffix(" million yuan") {
        (n, 1e6)
    } else if let Some(n) = t.strip_suffix(" 亿元") {
        (n, 1e8)
    } else if let Some(n) = t.strip_suffix(" 万元") {
        (n, 1e4)
    } else if let Some(n) = t.strip_suffix('%') {
        (n, 1.0)
    } else {
        (t.split(' ').next().unwrap_or(t), 1.0)
    };
    let digits = number.replace(',', "");
    let value: f64 = digits.parse().ok()?;
    let decimals = digits.split_once('.').map_or(0, |(_, f)| f.len());
    Some((sign * value * scale, 0.5 * 10f64.powi(-(decimals as i32)) * scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_reports_figures_are_written_as_it_writes_them() {
        assert_eq!(money(720_000_000.0), "7.2 亿元");
        assert_eq!(money(670_000_000.0), "6.7 亿元");
        assert_eq!(money(15_459_000.0), "1,545.9 万元");
        assert_eq!(money(9_500.0), "9,500 元");
        assert_eq!(yuan(12175.0), "12,175 元");
        assert_eq!(pct(98.03, 2), "98.03%");
        assert_eq!(change(7.462686567), "增长 7.5%");
        assert_eq!(change(-1.24), "下降 1.2%");
        assert_eq!(change(0.04), "持平");
        assert_eq!(change_en(7.81), "up 7.8%");
    }

    #[test]
    fn grouping_handles_signs_rounding_and_small_numbers() {
        assert_eq!(grouped(0.0, 0), "0");
        assert_eq!(grouped(999.5, 0), "1,000");
        assert_eq!(grouped(1234567.891, 2), "1,234,567.89");
        assert_eq!(grouped(-1234.0, 0), "-1,234");
        assert_eq!(grouped(-0.01, 1), "0.0");
        assert_eq!(trimmed(0.5, 3), "0.5");
        assert_eq!(trimmed(12.0, 2), "12");
        assert_eq!(in_unit(1.0, "0/1"), "是");
        assert_eq!(in_unit(5_000_000.0, "元"), "500.0 万元");
        assert_eq!(in_unit(2014.0, "年"), "2014 年", "issue 31: a year is never grouped by thousands");
        assert_eq!(wan(4.21e8), "42,100.0 万元");
        assert_eq!(parse(&wan(4.2147e8)).map(|p| p.0), Some(4.2147e8), "a 万元 figure reads back");
    }

    #[test]
    fn a_written_figure_reads_back_within_its_rounding() {
        for (x, written) in [(720_000_000.0, money(720_000_000.0)), (15_459_000.0, money(15_459_000.0)), (12175.4, yuan(12175.4)), (98.034, pct(98.034, 2))] {
            let (v, half) = parse(&written).unwrap();
            assert!((v - x).abs() <= half + 1e-9, "{written}: {v} ± {half} vs {x}");
        }
        assert_eq!(money_en(720_000_000.0), "720.0 million yuan");
        assert_eq!(parse(&money_en(720_000_000.0)), Some((720_000_000.0, 50_000.0)));
        assert_eq!(yuan_en(12175.0), "12,175 yuan");
        assert_eq!(parse("下降 1.2%"), Some((-1.2, 0.05)));
        assert_eq!(parse("待填报"), None);
    }
}
