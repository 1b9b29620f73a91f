//! Exact quotas, shared by the demo and synthetic generators of the seed flow: an
//! article figure is scaled to a province, split by largest remainder and drawn as an
//! exact number of items, never as one coin flip per unit.

use rand::Rng;
use rand::seq::index;

use super::error::SeedError;

/// The number of units the article's figures are given for (Quảng Ngãi, 2020-2024).
pub(crate) const ARTICLE_UNITS: u64 = 173;

/// An article figure scaled from 173 units to `units`, rounded half up (exact for 173).
pub(crate) fn scale(figure: u64, units: usize) -> usize {
    let units = units as u64;
    ((figure * units * 2 + ARTICLE_UNITS) / (2 * ARTICLE_UNITS)) as usize
}

/// `total` split in proportion to `weights` by the largest remainder method; ties go to
/// the earlier weight. The parts always sum to `total` (all zero when weights are).
pub(crate) fn largest_remainder(total: usize, weights: &[u64]) -> Vec<usize> {
    let sum: u64 = weights.iter().sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let total64 = total as u64;
    let mut parts: Vec<usize> = weights
        .iter()
        .map(|w| (total64 * w / sum) as usize)
        .collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(total64 * weights[i] % sum), i));
    let missing = total - parts.iter().sum::<usize>();
    for &i in order.iter().take(missing) {
        parts[i] += 1;
    }
    parts
}

/// Adds `extra` one at a time to `values`, each time to an entry below its cap, chosen
/// with probability proportional to its weight.
pub(crate) fn spread_with_caps(
    rng: &mut impl Rng,
    values: &mut [u32],
    caps: &[u32],
    weights: &[u32],
    extra: usize,
) -> Result<(), SeedError> {
    for _ in 0..extra {
        let open: Vec<usize> = (0..values.len()).filter(|&i| values[i] < caps[i]).collect();
        let total: u32 = open.iter().map(|&i| weights[i]).sum();
        if total == 0 {
            return Err(SeedError::InvalidPlan(
                "caps leave no room for the total".into(),
            ));
        }
        let mut r = rng.random_range(0..total);
        for i in open {
            if r < weights[i] {
                values[i] += 1;
                break;
            }
            r -= weights[i];
        }
    }
    Ok(())
}

/// `amount` distinct indices below `length` drawn uniformly, ascending.
pub(crate) fn sample(rng: &mut impl Rng, length: usize, amount: usize) -> Vec<usize> {
    let mut picked = index::sample(rng, length, amount.min(length)).into_vec();
    picked.sort_unstable();
    picked
}

/// `amount` distinct indices drawn with probability rising with `weights` (weighted
/// sampling without replacement, Efraimidis-Spirakis keys), ascending.
pub(crate) fn weighted_sample(rng: &mut impl Rng, weights: &[f64], amount: usize) -> Vec<usize> {
    let mut keyed: Vec<(f64, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| (rng.random::<f64>().powf(1.0 / w.max(f64::MIN_POSITIVE)), i))
        .collect();
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut picked: Vec<usize> = keyed.iter().take(amount).map(|k| k.1).collect();
    picked.sort_unstable();
    picked
}

/// A value drawn from a non-empty constant table.
pub(crate) fn pick<T: Copy, const N: usize>(rng: &mut impl Rng, items: &[T; N]) -> T {
    items[rng.random_range(0..N)]
}

/// A value drawn from a non-empty constant table of `(value, weight)`.
pub(crate) fn pick_weighted<T: Copy, const N: usize>(
    rng: &mut impl Rng,
    items: &[(T, u32); N],
) -> T {
    let total: u32 = items.iter().map(|i| i.1).sum();
    let mut r = rng.random_range(0..total.max(1));
    for &(value, weight) in items {
        if r < weight {
            return value;
        }
        r -= weight;
    }
    items[N - 1].0
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn scales_article_figures_exactly_for_173_units() {
        for figure in [1144, 57, 60, 108, 42, 25] {
            assert_eq!(scale(figure, 173), figure as usize);
        }
        assert_eq!(scale(57, 346), 114);
    }

    #[test]
    fn splits_57_standing_seats_over_quang_ngai_districts() {
        let units = [23, 22, 16, 11, 14, 14, 9, 5, 12, 13, 15, 19];
        let parts = largest_remainder(57, &units);
        assert_eq!(parts, [7, 7, 5, 4, 5, 5, 3, 2, 4, 4, 5, 6]);
        assert_eq!(largest_remainder(5, &[0, 0]), [0, 0]);
    }

    #[test]
    fn spreads_exactly_and_respects_caps() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut values = vec![5, 5, 8];
        spread_with_caps(&mut rng, &mut values, &[6, 8, 12], &[1, 1, 3], 8).unwrap();
        assert_eq!(values.iter().sum::<u32>(), 26);
        assert!(values[0] <= 6 && values[1] <= 8 && values[2] <= 12);
        let full = spread_with_caps(&mut rng, &mut values, &[6, 8, 12], &[1, 1, 3], 1);
        assert_eq!(full.map_err(|e| e.code()), Err("INVALID_SEED_PLAN"));
    }

    #[test]
    fn samples_exact_counts() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let picked = weighted_sample(&mut rng, &[1.0, 3.0, 2.0, 0.5, 1.0], 3);
        assert_eq!(picked.len(), 3);
        assert!(picked.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(sample(&mut rng, 4, 9), [0, 1, 2, 3]);
    }
}
