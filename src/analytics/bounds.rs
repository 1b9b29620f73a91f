//! The first step of the gate: the size and shape of a statement, read from sqlparser's
//! token stream (the tokenizer is a loop, not a recursion) before anything builds or
//! walks a tree. A left-associative chain (`a OR b OR c ...`, `x UNION y UNION z ...`)
//! parses in a loop but makes a tree as deep as the chain, and walking, printing or
//! dropping that tree recurses once per level; brackets nest the tree too. Capping the
//! operator tokens and the bracket depth caps the depth of the tree, and the parser's
//! own recursion limit covers what it parses recursively (`NOT NOT ...`, nested CASE).

use sqlparser::dialect::GenericDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::guard::Refusal;
use super::settings::AnalyticsSettings;

/// The size and shape limits of one statement.
#[derive(Debug, Clone)]
pub struct Bounds {
    /// Largest statement, in bytes.
    pub max_bytes: usize,
    /// Most operator tokens (symbols other than brackets, commas and dots, and the
    /// keyword operators such as AND, OR, NOT, IN, LIKE, UNION).
    pub max_operators: usize,
    /// Deepest nesting of `(`, `[` and `{`.
    pub max_nesting: usize,
}

impl Default for Bounds {
    fn default() -> Self {
        Self::from(&AnalyticsSettings::default())
    }
}

impl From<&AnalyticsSettings> for Bounds {
    fn from(s: &AnalyticsSettings) -> Self {
        Self {
            max_bytes: s.analytics_max_sql_bytes,
            max_operators: s.analytics_max_operators,
            max_nesting: s.analytics_max_nesting,
        }
    }
}

impl Bounds {
    /// The parser's recursion limit: room for each bracket level and a margin.
    pub fn recursion_limit(&self) -> usize {
        2 * self.max_nesting + 16
    }
}

/// Keywords that combine expressions or queries into a chain.
const OPERATOR_KEYWORDS: &[Keyword] = &[
    Keyword::AND,
    Keyword::OR,
    Keyword::XOR,
    Keyword::NOT,
    Keyword::IS,
    Keyword::IN,
    Keyword::LIKE,
    Keyword::ILIKE,
    Keyword::RLIKE,
    Keyword::REGEXP,
    Keyword::SIMILAR,
    Keyword::BETWEEN,
    Keyword::ESCAPE,
    Keyword::COLLATE,
    Keyword::AT,
    Keyword::OVERLAPS,
    Keyword::DIV,
    Keyword::MEMBER,
    Keyword::OPERATOR,
    Keyword::UNION,
    Keyword::EXCEPT,
    Keyword::INTERSECT,
    Keyword::MINUS,
];

/// What one token does to the shape of the tree.
enum Shape {
    Open,
    Close,
    Operator,
    Plain,
}

fn shape(token: &Token) -> Shape {
    match token {
        Token::LParen | Token::LBracket | Token::LBrace => Shape::Open,
        Token::RParen | Token::RBracket | Token::RBrace => Shape::Close,
        Token::Word(w) if OPERATOR_KEYWORDS.contains(&w.keyword) => Shape::Operator,
        Token::Word(_)
        | Token::Number(..)
        | Token::Char(_)
        | Token::SingleQuotedString(_)
        | Token::DoubleQuotedString(_)
        | Token::NationalStringLiteral(_)
        | Token::EscapedStringLiteral(_)
        | Token::UnicodeStringLiteral(_)
        | Token::HexStringLiteral(_)
        | Token::Comma
        | Token::Period
        | Token::SemiColon
        | Token::Whitespace(_)
        | Token::EOF => Shape::Plain,
        // Every other token (comparison, arithmetic, `::`, `->`, rarer literal forms)
        // counts: over-counting only makes the bound safer.
        _ => Shape::Operator,
    }
}

/// Checks the statement's size, operator count and bracket depth.
pub fn check(sql: &str, bounds: &Bounds) -> Result<(), Refusal> {
    if sql.len() > bounds.max_bytes {
        return Err(Refusal::TooLarge(sql.len(), bounds.max_bytes));
    }
    let tokens = Tokenizer::new(&GenericDialect {}, sql)
        .tokenize()
        .map_err(|e| Refusal::Syntax(e.to_string()))?;
    let (mut operators, mut depth) = (0usize, 0usize);
    for token in &tokens {
        match shape(token) {
            Shape::Open => depth += 1,
            Shape::Close => depth = depth.saturating_sub(1),
            Shape::Operator => operators += 1,
            Shape::Plain => {}
        }
        if depth > bounds.max_nesting {
            return Err(Refusal::TooComplex(format!(
                "the query nests brackets deeper than {} levels (COSO_ANALYTICS_MAX_NESTING)",
                bounds.max_nesting
            )));
        }
    }
    if operators > bounds.max_operators {
        return Err(Refusal::TooComplex(format!(
            "the query has {operators} operators; the limit is {} (COSO_ANALYTICS_MAX_OPERATORS): \
             use IN (...) instead of long OR chains",
            bounds.max_operators
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(terms: usize) -> String {
        let ors: Vec<String> = (0..terms).map(|i| format!("code = '{i}'")).collect();
        format!("SELECT code FROM units WHERE {}", ors.join(" OR "))
    }

    #[test]
    fn counts_operators_and_nesting() {
        let b = Bounds::default();
        assert!(check(&chain(150), &b).is_ok());
        assert!(matches!(check(&chain(201), &b), Err(Refusal::TooComplex(m)) if m.contains("400")));
        let list: Vec<String> = (0..2000).map(|i| format!("'{i}'")).collect();
        let in_list = format!("SELECT code FROM units WHERE code IN ({})", list.join(","));
        assert!(check(&in_list, &b).is_ok(), "an IN list is not a chain");
        let deep = format!("SELECT {}1{} FROM units", "(".repeat(25), ")".repeat(25));
        assert!(matches!(check(&deep, &b), Err(Refusal::TooComplex(m)) if m.contains("24")));
        let big = format!("SELECT code FROM units -- {}", "x".repeat(20_000));
        assert!(matches!(check(&big, &b), Err(Refusal::TooLarge(_, 16384))));
    }

    /// The whole gate (tokens, parse, visit, print, drop) at the limits fits on a quarter
    /// of the stack a tokio worker has (2 MiB), in this unoptimised build.
    #[test]
    fn the_gate_at_its_limits_fits_a_small_stack() {
        let at_limit = [
            chain(200),
            format!("SELECT {}1{} FROM units", "(".repeat(24), ")".repeat(24)),
            format!(
                "SELECT {}code{} FROM units",
                "NOT ".repeat(60),
                ")".repeat(0)
            ),
            vec!["SELECT code FROM units"; 200].join(" UNION ALL "),
            format!(
                "SELECT {} 1 {} FROM units",
                "CASE WHEN true THEN ".repeat(40),
                " END".repeat(40)
            ),
        ];
        let run = std::thread::Builder::new()
            .stack_size(512 * 1024)
            .spawn(move || {
                for sql in &at_limit {
                    let checked = super::super::guard::check(sql, &["units"], &Bounds::default());
                    if let Ok(c) = &checked {
                        assert!(!c.statement.to_string().is_empty());
                    }
                }
            })
            .unwrap();
        run.join().unwrap();
    }
}
