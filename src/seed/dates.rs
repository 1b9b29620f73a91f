//! Date helpers shared by every generator of the seed flow: compile-time checked
//! constant dates and windows that draw days from a seeded rng (never the clock).

use chrono::{NaiveDate, TimeDelta};
use rand::Rng;

/// A date known at compile time. Use it only in `const` items, where an invalid date
/// is a compile error rather than a run-time failure.
pub(crate) const fn const_date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("invalid constant date"),
    }
}

/// An inclusive range of days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Window {
    /// The days from `from` to `to`, both included.
    pub const fn new(from: NaiveDate, to: NaiveDate) -> Self {
        Window { from, to }
    }

    /// Days from start to end (0 when the window is empty or inverted).
    pub fn days(self) -> i64 {
        (self.to - self.from).num_days().max(0)
    }

    /// A day drawn uniformly.
    pub fn pick(self, rng: &mut impl Rng) -> NaiveDate {
        self.from + TimeDelta::days(rng.random_range(0..=self.days()))
    }

    /// A day drawn with a density rising toward the end (more events later).
    pub fn ramp(self, rng: &mut impl Rng) -> NaiveDate {
        let u: f64 = rng.random();
        self.from + TimeDelta::days((self.days() as f64 * u.sqrt()).round() as i64)
    }

    /// The part between two fractions of the window (0.0 = start, 1.0 = end).
    pub fn part(self, start: f64, end: f64) -> Window {
        let at = |f: f64| self.from + TimeDelta::days((self.days() as f64 * f).round() as i64);
        Window::new(at(start), at(end))
    }

    /// The first `days` days.
    pub fn head(self, days: i64) -> Window {
        Window::new(self.from, self.clamp(self.from + TimeDelta::days(days)))
    }

    /// The window starting no earlier than `day` (empty windows collapse to their start).
    pub fn after(self, day: NaiveDate) -> Window {
        let from = self.clamp(day.max(self.from));
        Window::new(from, self.to.max(from))
    }

    /// `day` moved into the window.
    pub fn clamp(self, day: NaiveDate) -> NaiveDate {
        day.max(self.from).min(self.to.max(self.from))
    }
}

/// `day` moved by a number of days drawn from `range` (negative moves back).
pub(crate) fn shift(
    rng: &mut impl Rng,
    day: NaiveDate,
    range: std::ops::RangeInclusive<i64>,
) -> NaiveDate {
    day + TimeDelta::days(rng.random_range(range))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    const W: Window = Window::new(const_date(2020, 2, 1), const_date(2024, 10, 31));

    #[test]
    fn draws_stay_inside() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..1000 {
            for d in [
                W.pick(&mut rng),
                W.ramp(&mut rng),
                W.part(0.2, 0.4).pick(&mut rng),
            ] {
                assert!(W.from <= d && d <= W.to);
            }
        }
        assert_eq!(W.after(const_date(2030, 1, 1)).days(), 0);
        assert_eq!(W.head(10).to, const_date(2020, 2, 11));
    }
}
