//! The reports' charts, drawn with plotters' SVG backend: axes labelled with units, limits drawn as dashed lines,
//! greys and dash patterns that survive greyscale printing. Text is left to the browser (the page's CSS names the
//! fonts), so no font library is built.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::lang::Lang;

/// Pure functions of their data: the same data gives the same SVG.
type Out = std::result::Result<String, String>;

const FONT: &str = "sans-serif";
const W: u32 = 720;
/// Bar fills: dark, mid and light grey (told apart in greyscale), with black outlines.
const GREYS: [RGBColor; 3] = [RGBColor(64, 64, 64), RGBColor(140, 140, 140), RGBColor(205, 205, 205)];

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The legend of a chart's labelled series, in a framed box at `position`.
fn legend<'a, X: Ranged, Y: Ranged>(chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>, position: SeriesLabelPosition) -> std::result::Result<(), String> {
    chart.configure_series_labels().position(position).background_style(WHITE.mix(0.9)).border_style(BLACK).label_font((FONT, 14)).draw().map_err(err)
}

/// The upper end of a value axis: a little above the largest value (or limit), never zero.
fn axis_top(values: impl Iterator<Item = f64>) -> f64 {
    let m = values.filter(|v| v.is_finite()).fold(0.0f64, f64::max);
    if m > 0.0 { m * 1.18 } else { 1.0 }
}

/// Horizontal bars, one per label (None: no bar, "无数据" written), each with its limit drawn as a dashed
/// vertical line across its band; the value written at the end of each bar.
pub fn bars_with_limits(labels: &[String], values: &[Option<f64>], limits: &[Option<f64>], x_desc: &str, limit_name: &str, lang: Lang) -> Out {
    bars_with_ranges(labels, values, &[], limits, (x_desc, limit_name), lang)
}

/// [`bars_with_limits`], each bar with the range its value stands for drawn across it (the least to the largest of
/// the counties whose median the bar is: a median under its limit can hide counties far over it). The words
/// (no data, the range's name) in `lang`.
pub fn bars_with_ranges(labels: &[String], values: &[Option<f64>], ranges: &[Option<(f64, f64)>], limits: &[Option<f64>], (x_desc, limit_name): (&str, &str), lang: Lang) -> Out {
    let n = labels.len().max(1) as i32;
    let top = axis_top(values.iter().flatten().copied().chain(limits.iter().flatten().copied()).chain(ranges.iter().flatten().map(|r| r.1)));
    let height = 70 + 34 * n as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_right(60)
            .x_label_area_size(44)
            .y_label_area_size(190)
            .build_cartesian_2d(0f64..top, (0..n - 1).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .y_labels(labels.len())
            .y_label_formatter(&|v: &SegmentValue<i32>| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
                SegmentValue::Last => String::new(),
            })
            .x_label_formatter(&|x: &f64| format!("{x:.2}"))
            .x_desc(x_desc)
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(err)?;
        for (i, v) in values.iter().enumerate() {
            let i = i as i32;
            match v {
                Some(v) => {
                    let over = limits.get(i as usize).copied().flatten().is_some_and(|l| *v > l);
                    let fill = if over { GREYS[0] } else { GREYS[2] };
                    let mut bar = Rectangle::new([(0.0, SegmentValue::Exact(i)), (*v, SegmentValue::Exact(i + 1))], fill.filled());
                    bar.set_margin(6, 6, 0, 0);
                    chart.draw_series(std::iter::once(bar)).map_err(err)?;
                    let mut outline = Rectangle::new([(0.0, SegmentValue::Exact(i)), (*v, SegmentValue::Exact(i + 1))], BLACK.stroke_width(1));
                    outline.set_margin(6, 6, 0, 0);
                    chart.draw_series(std::iter::once(outline)).map_err(err)?;
                    chart
                        .draw_series(std::iter::once(Text::new(format!(" {v:.3}"), (*v, SegmentValue::CenterOf(i)), (FONT, 14).into_font())))
                        .map_err(err)?;
                }
                None => {
                    chart
                        .draw_series(std::iter::once(Text::new(lang.word("无数据"), (0.0, SegmentValue::CenterOf(i)), (FONT, 14).into_font())))
                        .map_err(err)?;
                }
            }
        }
        // The ranges: a line from the least to the largest, with a tick at each end, across the bar's middle.
        let mut range_drawn = false;
        for (i, r) in ranges.iter().enumerate() {
            let Some((lo, hi)) = r else { continue };
            let i = i as i32;
            let series = chart
                .draw_series(std::iter::once(PathElement::new(vec![(*lo, SegmentValue::CenterOf(i)), (*hi, SegmentValue::CenterOf(i))], BLACK.stroke_width(2))))
                .map_err(err)?;
            if !range_drawn {
                series.label(lang.t("最小至最大", "least to largest")).legend(|(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], BLACK.stroke_width(2)));
                range_drawn = true;
            }
            for end in [*lo, *hi] {
                chart
                    .draw_series(std::iter::once(PathElement::new(vec![(end, SegmentValue::Exact(i)), (end, SegmentValue::Exact(i + 1))], BLACK.stroke_width(1))))
                    .map_err(err)?;
            }
        }
        let mut legend_drawn = range_drawn;
        let mut limit_named = false;
        for (i, limit) in limits.iter().enumerate() {
            let Some(l) = limit else { continue };
            let i = i as i32;
            let series = chart
                .draw_series(DashedLineSeries::new(vec![(*l, SegmentValue::Exact(i)), (*l, SegmentValue::Exact(i + 1))], 5, 3, BLACK.stroke_width(2)))
                .map_err(err)?;
            if !limit_named {
                series.label(limit_name.to_string()).legend(|(x, y)| DashedPathElement::new(vec![(x, y - 6), (x, y + 6)], 4, 2, BLACK.stroke_width(2)));
                limit_named = true;
                legend_drawn = true;
            }
        }
        if legend_drawn {
            legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Lines over years, one per series (solid, dashed, dotted in turn, with markers), and an optional limit as a
/// dashed horizontal line.
pub fn lines(series: &[(String, Vec<(i32, f64)>)], y_desc: &str, x_desc: &str, limits: &[(f64, String)]) -> Out {
    let years = series.iter().flat_map(|(_, p)| p.iter().map(|(x, _)| *x));
    let (x0, x1) = years.fold((i32::MAX, i32::MIN), |(a, b), x| (a.min(x), b.max(x)));
    let (x0, x1) = if x0 > x1 { (0, 1) } else if x0 == x1 { (x0 - 1, x1 + 1) } else { (x0, x1) };
    let top = axis_top(series.iter().flat_map(|(_, p)| p.iter().map(|(_, y)| *y)).chain(limits.iter().map(|l| l.0)));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, 380)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_right(30)
            .x_label_area_size(44)
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, 0f64..top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_labels((x1 - x0 + 1) as usize)
            .x_label_formatter(&|y: &i32| y.to_string())
            .y_label_formatter(&|v: &f64| if top >= 1000.0 { super::fmt::grouped(*v, 0) } else { format!("{v:.2}") })
            .light_line_style(RGBColor(235, 235, 235))
            .x_desc(x_desc)
            .y_desc(y_desc)
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(err)?;
        for (k, (name, points)) in series.iter().enumerate() {
            let style = GREYS[k % 2].stroke_width(2);
            let pts = points.clone();
            match k % 3 {
                0 => chart
                    .draw_series(LineSeries::new(pts.clone(), style).point_size(4))
                    .map_err(err)?
                    .label(name.clone())
                    .legend(move |(x, y)| EmptyElement::at((x, y)) + PathElement::new(vec![(0, 0), (22, 0)], style) + Circle::new((11, 0), 4, style.filled())),
                1 => {
                    chart.draw_series(pts.iter().map(|p| TriangleMarker::new(*p, 5, style.filled()))).map_err(err)?;
                    chart
                        .draw_series(DashedLineSeries::new(pts.clone(), 8, 4, style))
                        .map_err(err)?
                        .label(name.clone())
                        .legend(move |(x, y)| EmptyElement::at((x, y)) + DashedPathElement::new(vec![(0, 0), (22, 0)], 6, 3, style) + TriangleMarker::new((11, 0), 5, style.filled()))
                }
                _ => {
                    chart.draw_series(pts.iter().map(|p| Cross::new(*p, 5, style))).map_err(err)?;
                    chart
                        .draw_series(DashedLineSeries::new(pts.clone(), 2, 3, style))
                        .map_err(err)?
                        .label(name.clone())
                        .legend(move |(x, y)| EmptyElement::at((x, y)) + DashedPathElement::new(vec![(0, 0), (22, 0)], 2, 3, style) + Cross::new((11, 0), 5, style))
                }
            };
        }
        // Each limit a line of its own, told apart by its dashes and named in the legend (a level's limit beside
        // that level's series).
        for (k, (l, name)) in limits.iter().enumerate() {
            let (dash, gap) = if k % 2 == 0 { (10, 5) } else { (3, 3) };
            chart
                .draw_series(DashedLineSeries::new(vec![(x0, *l), (x1, *l)], dash, gap, BLACK.stroke_width(1)))
                .map_err(err)?
                .label(name.clone())
                .legend(move |(x, y)| DashedPathElement::new(vec![(x, y), (x + 22, y)], dash, gap, BLACK.stroke_width(1)));
        }
        legend(&mut chart, SeriesLabelPosition::LowerLeft)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Vertical bars of one value per category (years, groups), the value written above each.
pub fn columns(labels: &[String], values: &[f64], y_desc: &str, write: &dyn Fn(f64) -> String) -> Out {
    let n = labels.len().max(1) as i32;
    // Counts get whole-number ticks (one per unit up to 10).
    let largest = values.iter().copied().fold(0.0f64, f64::max);
    let counts = values.iter().all(|v| v.fract() == 0.0) && largest <= 10.0;
    let top = if counts { largest + 1.0 } else { axis_top(values.iter().copied()) };
    let ticks = if counts { top as usize + 1 } else { 10 };
    // The tick labels' area as wide as the widest label ("7.2 亿元", "500.0 million yuan") at the 14 px font: a
    // Chinese character about 14 px, any other about 8.
    let width = |t: &str| t.chars().map(|c| if c.is_ascii() { 8 } else { 14 }).sum::<u32>();
    let widest = (0..=ticks).map(|k| width(&write(top * k as f64 / ticks as f64))).max().unwrap_or(0);
    let label_area = (widest + 16).max(90);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, 360)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(label_area)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0f64..top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(RGBColor(235, 235, 235))
            .x_labels(labels.len())
            .x_label_formatter(&|v: &SegmentValue<i32>| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
                SegmentValue::Last => String::new(),
            })
            .y_labels(ticks)
            .y_label_formatter(&|v: &f64| write(*v))
            .y_desc(y_desc)
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(err)?;
        for (i, v) in values.iter().enumerate() {
            let i = i as i32;
            let mut bar = Rectangle::new([(SegmentValue::Exact(i), 0.0), (SegmentValue::Exact(i + 1), *v)], GREYS[1].filled());
            bar.set_margin(0, 0, 12, 12);
            chart.draw_series(std::iter::once(bar)).map_err(err)?;
            let text = Text::new(write(*v), (SegmentValue::CenterOf(i), *v), TextStyle::from((FONT, 13).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom)));
            chart.draw_series(std::iter::once(text)).map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_chart_draws_its_bars_limits_and_chinese_labels() {
        let labels = vec!["骨干教师".to_string(), "教学用房".to_string()];
        let svg = bars_with_limits(&labels, &[Some(0.62), None], &[Some(0.5), Some(0.5)], "差异系数", "限值", Lang::Zh).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..50]);
        assert!(svg.contains("骨干教师") && svg.contains("0.620") && svg.contains("无数据"), "{svg}");
        assert!(svg.contains("限值"));
        // The bar over its limit is dark, and there is a dashed limit line (several short polylines).
        assert!(svg.contains("#404040"));
        assert!(svg.matches("<polyline").count() >= 4);
    }

    #[test]
    fn lines_and_columns_draw_every_point() {
        let limits = [(0.65, "小学限值 0.650".to_string()), (0.55, "初中限值 0.550".to_string())];
        let svg = lines(&[("小学".into(), vec![(2019, 0.73), (2020, 0.69)]), ("初中".into(), vec![(2019, 0.67), (2020, 0.51)])], "差异系数", "年份", &limits).unwrap();
        assert!(svg.contains("2019") && svg.contains("2020") && svg.contains("初中"));
        // Issue 31: both levels' limits are drawn and named, and the axis speaks the report's language.
        assert!(svg.contains("小学限值 0.650") && svg.contains("初中限值 0.550") && !svg.contains("year"));
        // Issue 31: each series' legend shows its marker, so that a name can be matched to its points: 2 points
        // and 1 legend mark of each.
        assert_eq!(svg.matches("<circle").count(), 3, "{svg}");
        assert_eq!(svg.matches("<polygon").count(), 3, "{svg}");
        let svg = columns(&["2020".into(), "2021".into()], &[6.7e8, 7.2e8], "元", &|v| crate::report::fmt::money(v)).unwrap();
        assert!(svg.contains("7.2 亿元") && svg.matches("<rect").count() >= 3);
    }
}
