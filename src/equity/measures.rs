//! Weighted distribution measures over one group of units (school-finance practice: Berne & Stiefel; Odden &
//! Picus), and their urban–rural decompositions. Pure functions of slices.
//!
//! Conventions, stated once:
//! - weights are pupils; `f_i = w_i / Σw`, the weighted mean `μ = Σ f_i x_i`;
//! - the weighted percentile `P(p)` is the smallest value whose cumulative weight share reaches `p` (the inverse of
//!   the weighted distribution function, Hyndman & Fan type 1 with weights); the median is `P(0.5)`;
//! - Gini is the weighted Lorenz-curve Gini `1 − Σ f_i (L_{i−1} + L_i)` over values sorted ascending, with `L_i` the
//!   cumulative share of the total `Σ w x`;
//! - Theil T and the mean log deviation are defined for positive values only: units with `x ≤ 0` are left out of
//!   those two (and of their decompositions) and counted in `n_nonpositive`.

/// Measures of one group. `x` must be sorted ascending, `w` aligned with it; both non-empty.
#[derive(Clone, Debug, PartialEq)]
pub struct Measures {
    pub n: usize,
    pub n_nonpositive: usize,
    pub weight: f64,
    pub mean: f64,
    pub cv: Option<f64>,
    pub gini: Option<f64>,
    pub theil_t: Option<f64>,
    pub mld: Option<f64>,
    pub mcloone: Option<f64>,
    pub verstegen: Option<f64>,
    pub p5: f64,
    pub median: f64,
    pub p95: f64,
    pub restricted_range: f64,
    pub federal_range_ratio: Option<f64>,
    pub max_min_ratio: Option<f64>,
}

/// The smallest value whose cumulative weight share reaches `p` (x sorted ascending).
pub fn weighted_percentile(x: &[f64], w: &[f64], p: f64) -> f64 {
    let total: f64 = w.iter().sum();
    let target = p * total;
    let mut cum = 0.0;
    for (xi, wi) in x.iter().zip(w) {
        cum += wi;
        // A relative tolerance keeps exact shares (e.g. 0.5 of 4 equal weights) on the value that reaches them.
        if cum >= target - 1e-12 * total {
            return *xi;
        }
    }
    x[x.len() - 1]
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b != 0.0 && a.is_finite() && b.is_finite()).then(|| a / b)
}

/// Rounding noise of a measure that is zero in exact arithmetic (equal schools give a Gini of −2.2e-16): values
/// this close to zero are zero. The measures here are ratios of order one, so 1e-12 is far below any real spread.
const NOISE: f64 = 1e-12;

fn clamp_noise(v: f64) -> f64 {
    if v.abs() < NOISE { 0.0 } else { v }
}

/// All measures of one group (x sorted ascending).
pub fn measures(x: &[f64], w: &[f64]) -> Measures {
    debug_assert!(x.windows(2).all(|p| p[0] <= p[1]), "sorted input");
    let weight: f64 = w.iter().sum();
    let total: f64 = x.iter().zip(w).map(|(x, w)| x * w).sum();
    let mean = total / weight;
    let var = x.iter().zip(w).map(|(x, w)| w * (x - mean).powi(2)).sum::<f64>() / weight;
    let positive = mean > 0.0;

    // Gini from the weighted Lorenz curve.
    let gini = (positive && total > 0.0).then(|| {
        let (mut lorenz_prev, mut area) = (0.0, 0.0);
        for (xi, wi) in x.iter().zip(w) {
            let lorenz = lorenz_prev + xi * wi / total;
            area += wi / weight * (lorenz_prev + lorenz);
            lorenz_prev = lorenz;
        }
        clamp_noise(1.0 - area)
    });

    // Theil T and MLD over positive values.
    let n_nonpositive = x.iter().filter(|v| **v <= 0.0).count();
    let (pw, ptotal) = x.iter().zip(w).filter(|(x, _)| **x > 0.0).fold((0.0, 0.0), |(a, b), (x, w)| (a + w, b + x * w));
    let (theil_t, mld) = if pw > 0.0 {
        let mu = ptotal / pw;
        let mut t = 0.0;
        let mut m = 0.0;
        for (xi, wi) in x.iter().zip(w).filter(|(x, _)| **x > 0.0) {
            let f = wi / pw;
            t += f * (xi / mu) * (xi / mu).ln();
            m += f * (mu / xi).ln();
        }
        (Some(clamp_noise(t)), Some(clamp_noise(m)))
    } else {
        (None, None)
    };

    let median = weighted_percentile(x, w, 0.5);
    let side = |below: bool| {
        let (sw, swx) = x
            .iter()
            .zip(w)
            .filter(|(x, _)| if below { **x < median } else { **x > median })
            .fold((0.0, 0.0), |(a, b), (x, w)| (a + w, b + x * w));
        // Nobody strictly below (above) the median: the side is at the median, ratio 1.
        if sw == 0.0 { (median != 0.0).then_some(1.0) } else { ratio(swx, median * sw) }
    };
    let (p5, p95) = (weighted_percentile(x, w, 0.05), weighted_percentile(x, w, 0.95));
    Measures {
        n: x.len(),
        n_nonpositive,
        weight,
        mean,
        cv: positive.then(|| clamp_noise(var.sqrt() / mean)),
        gini,
        theil_t,
        mld,
        mcloone: side(true),
        verstegen: side(false),
        p5,
        median,
        p95,
        restricted_range: p95 - p5,
        federal_range_ratio: ratio(p95 - p5, p5),
        max_min_ratio: ratio(x[x.len() - 1], x[0]),
    }
}

/// A group's share of a partition (urban / town / rural).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Part {
    pub n: usize,
    pub weight: f64,
    pub mean: Option<f64>,
}

/// How the variance and Theil T of one group split between and within the parts of a partition.
#[derive(Clone, Debug, PartialEq)]
pub struct Decomposition {
    pub parts: Vec<Part>,
    /// Variance of the part means around the overall mean, weighted by part pupils.
    pub between_var: f64,
    /// Pupil-weighted mean of the variances within the parts.
    pub within_var: f64,
    pub total_var: f64,
    /// The CV of the part means (parts as units, weighted by their pupils).
    pub between_cv: Option<f64>,
    /// Share of the total weighted variance that lies between the parts.
    pub between_share: Option<f64>,
    pub theil_t: Option<f64>,
    pub theil_between: Option<f64>,
    pub theil_within: Option<f64>,
}

/// Decomposes one group by `part[i]` in `0..parts`. Variance: total = within + between. Theil T over positive
/// values: T = Σ_g s_g ln(μ_g/μ) + Σ_g s_g T_g with `s_g` part g's share of the total `Σ w x`.
pub fn decompose(x: &[f64], w: &[f64], part: &[usize], parts: usize) -> Decomposition {
    let weight: f64 = w.iter().sum();
    let mean = x.iter().zip(w).map(|(x, w)| x * w).sum::<f64>() / weight;
    let mut pw = vec![0.0; parts];
    let mut pwx = vec![0.0; parts];
    let mut pn = vec![0usize; parts];
    for ((x, w), g) in x.iter().zip(w).zip(part) {
        pw[*g] += w;
        pwx[*g] += w * x;
        pn[*g] += 1;
    }
    let pmean: Vec<Option<f64>> = (0..parts).map(|g| (pw[g] > 0.0).then(|| pwx[g] / pw[g])).collect();
    let mut within = 0.0;
    for ((x, w), g) in x.iter().zip(w).zip(part) {
        within += w * (x - pmean[*g].expect("a part with a unit has a mean")).powi(2);
    }
    let within_var = within / weight;
    let between_var = (0..parts).filter_map(|g| pmean[g].map(|m| pw[g] * (m - mean).powi(2))).sum::<f64>() / weight;
    let total_var = x.iter().zip(w).map(|(x, w)| w * (x - mean).powi(2)).sum::<f64>() / weight;

    // Theil over positive values.
    let pos: Vec<usize> = (0..x.len()).filter(|&i| x[i] > 0.0).collect();
    let (theil_t, theil_between, theil_within) = if pos.is_empty() {
        (None, None, None)
    } else {
        let tw: f64 = pos.iter().map(|&i| w[i]).sum();
        let twx: f64 = pos.iter().map(|&i| w[i] * x[i]).sum();
        let mu = twx / tw;
        let total_t: f64 = pos.iter().map(|&i| w[i] / tw * (x[i] / mu) * (x[i] / mu).ln()).sum();
        let mut gw = vec![0.0; parts];
        let mut gwx = vec![0.0; parts];
        for &i in &pos {
            gw[part[i]] += w[i];
            gwx[part[i]] += w[i] * x[i];
        }
        let mut between = 0.0;
        let mut within = 0.0;
        for g in (0..parts).filter(|&g| gw[g] > 0.0) {
            let mu_g = gwx[g] / gw[g];
            let s_g = gwx[g] / twx;
            between += s_g * (mu_g / mu).ln();
            let t_g: f64 =
                pos.iter().filter(|&&i| part[i] == g).map(|&i| w[i] / gw[g] * (x[i] / mu_g) * (x[i] / mu_g).ln()).sum();
            within += s_g * t_g;
        }
        (Some(total_t), Some(between), Some(within))
    };
    Decomposition {
        parts: (0..parts).map(|g| Part { n: pn[g], weight: pw[g], mean: pmean[g] }).collect(),
        between_var,
        within_var,
        total_var,
        between_cv: (mean > 0.0).then(|| between_var.sqrt() / mean),
        between_share: (total_var > 0.0).then(|| between_var / total_var),
        theil_t,
        theil_between,
        theil_within,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn a_small_case_by_hand() {
        // x = 1, 2, 3, 6 with weights 1, 1, 1, 1: μ = 3.
        let (x, w) = ([1.0, 2.0, 3.0, 6.0], [1.0; 4]);
        let m = measures(&x, &w);
        assert!(close(m.mean, 3.0));
        // var = (4 + 1 + 0 + 9) / 4 = 3.5; cv = √3.5 / 3
        assert!(close(m.cv.unwrap(), 3.5f64.sqrt() / 3.0));
        // Lorenz points (cum share of 12): 1/12, 3/12, 6/12, 12/12; area = ¼ Σ (L_{i−1} + L_i)
        //   = ¼ (1 + 4 + 9 + 18)/12 = 32/48; Gini = 1 − 32/48 = 1/3.
        assert!(close(m.gini.unwrap(), 1.0 / 3.0));
        // Textbook unweighted Gini: Σ_i Σ_j |x_i − x_j| / (2 n² μ) = 2·(1+2+5+1+4+3)/(2·16·3) = 32/96 = 1/3.
        // Theil T = ¼ Σ (x/3) ln(x/3); MLD = ¼ Σ ln(3/x).
        let t = (1.0 / 3.0 * (1.0f64 / 3.0).ln() + 2.0 / 3.0 * (2.0f64 / 3.0).ln() + 0.0 + 2.0 * 2.0f64.ln()) / 4.0;
        assert!(close(m.theil_t.unwrap(), t));
        let mld = (3.0f64.ln() + 1.5f64.ln() + 0.0 + 0.5f64.ln()) / 4.0;
        assert!(close(m.mld.unwrap(), mld));
        // Median: cumulative shares .25 .5 .75 1 → P50 = 2 (the first reaching 0.5).
        assert_eq!(m.median, 2.0);
        // McLoone: below 2 is {1}: 1·1 / (2·1) = 0.5. Verstegen: above 2 is {3, 6}: 9 / (2·2) = 2.25.
        assert!(close(m.mcloone.unwrap(), 0.5));
        assert!(close(m.verstegen.unwrap(), 2.25));
        // P5 = 1, P95 = 6: restricted range 5, federal range ratio 5, max/min 6.
        assert_eq!((m.p5, m.p95, m.restricted_range), (1.0, 6.0, 5.0));
        assert_eq!((m.federal_range_ratio, m.max_min_ratio), (Some(5.0), Some(6.0)));
    }

    #[test]
    fn weights_count_as_repeated_units() {
        // Weights 2, 1 on values 1, 4 equal the unweighted 1, 1, 4.
        let a = measures(&[1.0, 4.0], &[2.0, 1.0]);
        let b = measures(&[1.0, 1.0, 4.0], &[1.0, 1.0, 1.0]);
        for (x, y) in [(a.cv, b.cv), (a.gini, b.gini), (a.theil_t, b.theil_t), (a.mld, b.mld), (a.mcloone, b.mcloone), (a.verstegen, b.verstegen)] {
            assert!(close(x.unwrap(), y.unwrap()), "{x:?} {y:?}");
        }
        assert_eq!((a.median, a.p5, a.p95), (b.median, b.p5, b.p95));
    }

    #[test]
    fn with_equal_weights_the_measures_are_their_textbook_unweighted_forms() {
        let x = [0.8, 1.3, 2.2, 2.9, 4.1, 6.0, 7.7, 12.5];
        let n = x.len() as f64;
        let m = measures(&x, &[2.5; 8]);
        let mu = x.iter().sum::<f64>() / n;
        let sd = (x.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / n).sqrt();
        let gini = x.iter().flat_map(|a| x.iter().map(move |b| (a - b).abs())).sum::<f64>() / (2.0 * n * n * mu);
        let theil = x.iter().map(|v| v / mu * (v / mu).ln()).sum::<f64>() / n;
        let mld = x.iter().map(|v| (mu / v).ln()).sum::<f64>() / n;
        assert!(close(m.cv.unwrap(), sd / mu));
        assert!(close(m.gini.unwrap(), gini));
        assert!(close(m.theil_t.unwrap(), theil));
        assert!(close(m.mld.unwrap(), mld));
        // Median of 8 equal weights: the 4th value reaches a share of 0.5.
        assert_eq!(m.median, 2.9);
        // McLoone: (0.8 + 1.3 + 2.2) / (3 · 2.9); Verstegen: (4.1 + 6 + 7.7 + 12.5) / (4 · 2.9).
        assert!(close(m.mcloone.unwrap(), 4.3 / 8.7));
        assert!(close(m.verstegen.unwrap(), 30.3 / 11.6));
    }

    #[test]
    fn identical_schools_measure_exactly_zero_not_rounding_noise() {
        let x = [1234.567; 9];
        let w = [37.0, 41.0, 12.0, 88.0, 5.0, 61.0, 23.0, 9.0, 70.0];
        let m = measures(&x, &w);
        assert_eq!((m.gini, m.cv, m.theil_t, m.mld), (Some(0.0), Some(0.0), Some(0.0), Some(0.0)));
    }

    #[test]
    fn gini_is_zero_for_equal_values_and_tends_to_one_minus_one_over_n() {
        assert!(close(measures(&[5.0; 7], &[3.0; 7]).gini.unwrap(), 0.0));
        for n in [2usize, 5, 50] {
            let mut x = vec![0.0; n];
            x[n - 1] = 10.0;
            let g = measures(&x, &vec![1.0; n]).gini.unwrap();
            assert!(close(g, 1.0 - 1.0 / n as f64), "n = {n}: {g}");
        }
    }

    #[test]
    fn mcloone_is_one_when_everyone_below_the_median_sits_at_the_median() {
        let m = measures(&[4.0, 4.0, 4.0, 7.0, 9.0], &[1.0; 5]);
        assert_eq!(m.median, 4.0);
        assert_eq!(m.mcloone, Some(1.0));
        // Raising the bottom to the median makes McLoone 1 in general.
        let m = measures(&[2.0, 3.0, 5.0, 8.0], &[1.0; 4]);
        assert!(m.mcloone.unwrap() < 1.0);
    }

    #[test]
    fn non_positive_values_leave_theil_and_mld_and_are_counted() {
        let m = measures(&[0.0, 2.0, 2.0], &[1.0; 3]);
        assert_eq!(m.n_nonpositive, 1);
        assert!(close(m.theil_t.unwrap(), 0.0) && close(m.mld.unwrap(), 0.0));
        assert!(m.gini.unwrap() > 0.0, "Gini keeps the zero");
    }

    #[test]
    fn decompositions_add_up() {
        let x = [1.0, 2.5, 3.0, 4.0, 7.0, 9.5, 12.0];
        let w = [10.0, 30.0, 20.0, 5.0, 50.0, 15.0, 40.0];
        let part = [2, 2, 1, 1, 0, 0, 0];
        let d = decompose(&x, &w, &part, 3);
        assert!((d.between_var + d.within_var - d.total_var).abs() < 1e-12 * d.total_var.max(1.0));
        let t = d.theil_t.unwrap();
        assert!((d.theil_between.unwrap() + d.theil_within.unwrap() - t).abs() < 1e-12);
        // The total equals the group's own Theil T.
        let mut sorted: Vec<(f64, f64)> = x.iter().copied().zip(w.iter().copied()).collect();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (sx, sw): (Vec<f64>, Vec<f64>) = sorted.into_iter().unzip();
        assert!((measures(&sx, &sw).theil_t.unwrap() - t).abs() < 1e-12);
        // Part means by hand: rural (1·10 + 2.5·30)/40 = 85/40.
        assert!(close(d.parts[2].mean.unwrap(), 85.0 / 40.0));
        assert_eq!(d.parts[2].n, 2);
    }

    #[test]
    fn a_partition_with_equal_part_means_has_nothing_between() {
        let d = decompose(&[1.0, 3.0, 2.0, 2.0], &[1.0; 4], &[0, 0, 1, 1], 2);
        assert!(close(d.between_var, 0.0) && close(d.theil_between.unwrap(), 0.0));
        assert_eq!(d.between_share, Some(0.0));
    }
}
