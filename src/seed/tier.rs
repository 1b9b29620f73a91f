//! The scale tiers of synthetic seeding, parsed from the command line at the edge of
//! the seed flow and mapped to the reference set and provinces they draw units from.

use std::fmt;
use std::str::FromStr;

use super::error::SeedError;
use super::reference::ReferenceSet;

/// A benchmark scale tier (see DOMAIN.md, "Scale tiers").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tier {
    /// Quảng Ngãi: 173 units, about 1.1k officers.
    S,
    /// Five provinces (Quảng Nam, Quảng Ngãi, Bình Định, Gia Lai, Đắk Lắk): 977 units.
    M,
    /// The whole country: 10,595 units, about 78k officers.
    L,
    /// The whole country ten times over (codes cloned with a suffix): 105,950 units.
    Xl,
}

/// The province codes of tier M, as in the national file.
pub(crate) const FIVE_PROVINCES: [&str; 5] = ["49", "51", "52", "64", "66"];

impl Tier {
    /// Every tier, smallest first.
    pub const ALL: [Tier; 4] = [Tier::S, Tier::M, Tier::L, Tier::Xl];

    /// The long name (`quang-ngai`, `five-provinces`, `national`, `national-x10`).
    pub fn name(self) -> &'static str {
        match self {
            Tier::S => "quang-ngai",
            Tier::M => "five-provinces",
            Tier::L => "national",
            Tier::Xl => "national-x10",
        }
    }

    /// The reference file the tier's units come from.
    pub fn reference_set(self) -> ReferenceSet {
        match self {
            Tier::S => ReferenceSet::QuangNgai,
            Tier::M | Tier::L | Tier::Xl => ReferenceSet::National,
        }
    }

    /// How many copies of each district and unit the tier holds (10 for XL, else 1).
    pub fn copies(self) -> u32 {
        if self == Tier::Xl { 10 } else { 1 }
    }
}

impl FromStr for Tier {
    type Err = SeedError;

    /// Accepts `s|m|l|xl` and the long names, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "s" | "quang-ngai" => Ok(Tier::S),
            "m" | "five-provinces" => Ok(Tier::M),
            "l" | "national" => Ok(Tier::L),
            "xl" | "national-x10" => Ok(Tier::Xl),
            _ => Err(SeedError::UnknownTier(s.chars().take(40).collect())),
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
