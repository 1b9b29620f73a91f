//! Fixed tables of Vietnamese family, middle and given names, and the person drawn
//! from them; used by every generator of the seed flow that needs a person.

use std::ops::RangeInclusive;

use rand::Rng;

use super::quota::{pick, pick_weighted};
use crate::domain::Gender;

/// Family names with rough weights (Nguyễn far ahead, as in the population).
const FAMILY: [(&str, u32); 24] = [
    ("Nguyễn", 30),
    ("Trần", 10),
    ("Lê", 9),
    ("Phạm", 6),
    ("Huỳnh", 6),
    ("Võ", 6),
    ("Phan", 4),
    ("Đinh", 4),
    ("Hồ", 3),
    ("Trương", 3),
    ("Bùi", 3),
    ("Đặng", 3),
    ("Đỗ", 2),
    ("Ngô", 2),
    ("Dương", 2),
    ("Hoàng", 2),
    ("Lương", 1),
    ("Đoàn", 1),
    ("Lâm", 1),
    ("Tạ", 1),
    ("Châu", 1),
    ("Thái", 1),
    ("Mai", 1),
    ("Cao", 1),
];

const MIDDLE_MALE: [&str; 14] = [
    "Văn", "Đức", "Minh", "Quốc", "Thanh", "Hữu", "Công", "Ngọc", "Xuân", "Tấn", "Đình", "Quang",
    "Anh", "Trung",
];

const MIDDLE_FEMALE: [&str; 9] = [
    "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Thùy", "Bích", "Hồng",
];

const GIVEN_MALE: [&str; 37] = [
    "Anh", "Bảo", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
    "Khang", "Khánh", "Kiên", "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân",
    "Quang", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng",
    "Việt", "Vinh", "Vũ",
];

const GIVEN_FEMALE: [&str; 27] = [
    "Anh", "Châu", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hiền", "Hoa", "Hương", "Lan", "Linh",
    "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quyên", "Thảo", "Trang",
    "Trinh", "Uyên", "Vân", "Yến",
];

/// A generated person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Person {
    pub full_name: String,
    pub gender: Gender,
    pub birth_year: i32,
}

/// A person who is male with probability `male_share`, born in `years`.
pub(crate) fn person(rng: &mut impl Rng, male_share: f64, years: RangeInclusive<i32>) -> Person {
    let gender = if rng.random_bool(male_share) {
        Gender::Male
    } else {
        Gender::Female
    };
    Person {
        full_name: full_name(rng, gender),
        gender,
        birth_year: rng.random_range(years),
    }
}

/// "Family Middle Given", e.g. "Nguyễn Văn Hùng".
pub(crate) fn full_name(rng: &mut impl Rng, gender: Gender) -> String {
    let family = pick_weighted(rng, &FAMILY);
    let (middle, given) = match gender {
        Gender::Male => {
            let middle = pick(rng, &MIDDLE_MALE);
            (middle, pick_unlike(rng, &GIVEN_MALE, middle))
        }
        Gender::Female => {
            let middle = pick(rng, &MIDDLE_FEMALE);
            (middle, pick_unlike(rng, &GIVEN_FEMALE, middle))
        }
    };
    format!("{family} {middle} {given}")
}

/// A name from the table other than `avoid` ("Nguyễn Minh Minh" does not happen).
fn pick_unlike<const N: usize>(
    rng: &mut impl Rng,
    names: &[&'static str; N],
    avoid: &str,
) -> &'static str {
    let i = rng.random_range(0..N);
    if names[i] == avoid {
        names[(i + 1) % N]
    } else {
        names[i]
    }
}

/// "Công an " followed by a name with its first letter lowered:
/// "Xã Bình Châu" -> "Công an xã Bình Châu", "Tỉnh Quảng Ngãi" -> "Công an tỉnh Quảng Ngãi".
pub(crate) fn police_of(name: &str) -> String {
    let mut chars = name.chars();
    let first: String = chars
        .next()
        .map(|c| c.to_lowercase().collect())
        .unwrap_or_default();
    format!("Công an {first}{}", chars.as_str())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn names_have_three_parts_and_years_stay_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..200 {
            let p = person(&mut rng, 0.8, 1965..=2000);
            let parts: Vec<&str> = p.full_name.split(' ').collect();
            assert_eq!(parts.len(), 3);
            assert_ne!(parts[1], parts[2]);
            assert!((1965..=2000).contains(&p.birth_year));
        }
        assert_eq!(police_of("Thị trấn Châu Ổ"), "Công an thị trấn Châu Ổ");
    }
}
