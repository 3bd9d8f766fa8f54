//! The three survey metrics (NPS, CES, CSAT): scales, categories and the score formulas.
//!
//! Shared by the widget (which category's follow-up to ask) and the collector (the report).

use std::fmt;

/// Which standard question a survey asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Kind {
    /// Net Promoter Score: 0-10, "how likely to recommend".
    Nps,
    /// Customer Effort Score: 1-7, "made it easy to handle my issue".
    Ces,
    /// Customer Satisfaction: 1-5, "how satisfied".
    Csat,
}

/// The category a score falls into. Keys in config `text` and in the wire format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Category {
    /// NPS 0-6.
    Detractor,
    /// NPS 7-8.
    Passive,
    /// NPS 9-10.
    Promoter,
    /// CES 1-3.
    Difficult,
    /// CES 4, CSAT 3.
    Neutral,
    /// CES 5-7.
    Easy,
    /// CSAT 1-2.
    Unsatisfied,
    /// CSAT 4-5.
    Satisfied,
}

impl Category {
    /// The category with this key (`"promoter"`).
    pub fn from_key(key: &str) -> Option<Category> {
        Kind::ALL
            .iter()
            .flat_map(|kind| kind.categories())
            .find(|category| category.key() == key)
            .copied()
    }

    /// The lowercase key used in config and on the wire (`"promoter"`).
    pub fn key(self) -> &'static str {
        match self {
            Category::Detractor => "detractor",
            Category::Passive => "passive",
            Category::Promoter => "promoter",
            Category::Difficult => "difficult",
            Category::Neutral => "neutral",
            Category::Easy => "easy",
            Category::Unsatisfied => "unsatisfied",
            Category::Satisfied => "satisfied",
        }
    }
}

/// Which third of its scale a category is: what picks its built-in texts and its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sentiment {
    /// Detractor, difficult, unsatisfied.
    Negative,
    /// Passive, neutral.
    Middle,
    /// Promoter, easy, satisfied.
    Positive,
}

impl Category {
    /// Which third of its scale this category is.
    pub fn sentiment(self) -> Sentiment {
        match self {
            Category::Detractor | Category::Difficult | Category::Unsatisfied => {
                Sentiment::Negative
            }
            Category::Passive | Category::Neutral => Sentiment::Middle,
            Category::Promoter | Category::Easy | Category::Satisfied => Sentiment::Positive,
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 3] = [Kind::Nps, Kind::Ces, Kind::Csat];

    /// The kind with this key (`"nps"`).
    pub fn from_key(key: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.key() == key)
    }

    /// The lowercase key used in config and on the wire (`"nps"`).
    pub fn key(self) -> &'static str {
        match self {
            Kind::Nps => "nps",
            Kind::Ces => "ces",
            Kind::Csat => "csat",
        }
    }

    /// Lowest and highest score on this kind's scale, inclusive.
    pub fn scale(self) -> (u8, u8) {
        match self {
            Kind::Nps => (0, 10),
            Kind::Ces => (1, 7),
            Kind::Csat => (1, 5),
        }
    }

    /// Every score on the scale, lowest first.
    pub fn scores(self) -> impl DoubleEndedIterator<Item = u8> {
        let (low, high) = self.scale();
        low..=high
    }

    /// This kind's categories, from the worst to the best.
    pub fn categories(self) -> &'static [Category] {
        match self {
            Kind::Nps => &[Category::Detractor, Category::Passive, Category::Promoter],
            Kind::Ces => &[Category::Difficult, Category::Neutral, Category::Easy],
            Kind::Csat => &[
                Category::Unsatisfied,
                Category::Neutral,
                Category::Satisfied,
            ],
        }
    }

    /// The score a typed digit selects: the digit itself when it is on the scale, and for NPS
    /// "1" then "0" typed in quick succession (`after_one`) is 10.
    pub fn typed_score(self, digit: u8, after_one: bool) -> Option<u8> {
        let score = if self == Kind::Nps && digit == 0 && after_one {
            10
        } else {
            digit
        };
        self.categorize(score).map(|_| score)
    }

    /// The category of `score`, or `None` when the score is off this kind's scale.
    pub fn categorize(self, score: u8) -> Option<Category> {
        let (low, high) = self.scale();
        if !(low..=high).contains(&score) {
            return None;
        }
        let [worst, middle, best] = match self.categories() {
            [a, b, c] => [*a, *b, *c],
            _ => return None,
        };
        let (worst_max, middle_max) = match self {
            Kind::Nps => (6, 8),
            Kind::Ces => (3, 4),
            Kind::Csat => (2, 3),
        };
        Some(if score <= worst_max {
            worst
        } else if score <= middle_max {
            middle
        } else {
            best
        })
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Aggregated responses of one survey: what a report shows.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Summary {
    /// The survey's kind.
    pub kind: Kind,
    /// Number of scored responses.
    pub responses: u64,
    /// Responses per category, worst category first (every category present, maybe 0).
    pub categories: Vec<(Category, u64)>,
    /// Responses per score, lowest score first (every score on the scale present, maybe 0).
    pub distribution: Vec<(u8, u64)>,
    /// NPS (-100..100), CES mean (1..7) or CSAT % satisfied (0..100); `None` with no responses.
    pub score: Option<f64>,
}

impl Summary {
    /// Aggregates `scores`; scores off the kind's scale are ignored (tests state data this way).
    #[cfg(test)]
    pub fn of(kind: Kind, scores: impl IntoIterator<Item = u8>) -> Summary {
        Summary::from_counts(kind, scores.into_iter().map(|score| (score, 1)))
    }

    /// Builds a summary from counts per score (for stores that count in SQL).
    pub fn from_counts(kind: Kind, counts: impl IntoIterator<Item = (u8, u64)>) -> Summary {
        let (low, _) = kind.scale();
        let mut distribution: Vec<(u8, u64)> = kind.scores().map(|s| (s, 0)).collect();
        for (score, count) in counts {
            if kind.categorize(score).is_some() {
                distribution[usize::from(score - low)].1 += count;
            }
        }
        Summary::from_distribution(kind, distribution)
    }

    fn from_distribution(kind: Kind, distribution: Vec<(u8, u64)>) -> Summary {
        let responses: u64 = distribution.iter().map(|(_, n)| n).sum();
        let categories: Vec<(Category, u64)> = kind
            .categories()
            .iter()
            .map(|&category| {
                let count = distribution
                    .iter()
                    .filter(|(score, _)| kind.categorize(*score) == Some(category))
                    .map(|(_, n)| n)
                    .sum();
                (category, count)
            })
            .collect();
        let score = (responses > 0).then(|| {
            let total = responses as f64;
            let share = |i: usize| categories[i].1 as f64 / total * 100.0;
            match kind {
                Kind::Nps => share(2) - share(0),
                Kind::Csat => share(2),
                Kind::Ces => {
                    distribution
                        .iter()
                        .map(|(s, n)| f64::from(*s) * *n as f64)
                        .sum::<f64>()
                        / total
                }
            }
        });
        Summary {
            kind,
            responses,
            categories,
            distribution,
            score,
        }
    }

    /// Responses in `category` (0 for a category of another kind).
    #[cfg(test)]
    pub fn count(&self, category: Category) -> u64 {
        self.categories
            .iter()
            .find(|(c, _)| *c == category)
            .map_or(0, |(_, n)| *n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nps_categories_follow_the_standard_bands() {
        let expected = [
            (0, Category::Detractor),
            (6, Category::Detractor),
            (7, Category::Passive),
            (8, Category::Passive),
            (9, Category::Promoter),
            (10, Category::Promoter),
        ];
        for (score, category) in expected {
            assert_eq!(Kind::Nps.categorize(score), Some(category), "score {score}");
        }
        assert_eq!(Kind::Nps.categorize(11), None);
    }

    #[test]
    fn typed_digits_select_scores_and_one_zero_is_ten_on_nps() {
        assert_eq!(Kind::Nps.typed_score(7, false), Some(7));
        assert_eq!(Kind::Nps.typed_score(0, false), Some(0));
        assert_eq!(Kind::Nps.typed_score(0, true), Some(10));
        assert_eq!(Kind::Csat.typed_score(0, true), None);
        assert_eq!(Kind::Csat.typed_score(6, false), None);
        assert_eq!(Kind::Ces.typed_score(7, false), Some(7));
    }

    #[test]
    fn ces_and_csat_categories_follow_the_spec_table() {
        let ces: Vec<_> = Kind::Ces
            .scores()
            .filter_map(|s| Kind::Ces.categorize(s))
            .collect();
        use Category::*;
        assert_eq!(
            ces,
            [Difficult, Difficult, Difficult, Neutral, Easy, Easy, Easy]
        );
        let csat: Vec<_> = Kind::Csat
            .scores()
            .filter_map(|s| Kind::Csat.categorize(s))
            .collect();
        assert_eq!(
            csat,
            [Unsatisfied, Unsatisfied, Neutral, Satisfied, Satisfied]
        );
        assert_eq!(Kind::Ces.categorize(0), None);
        assert_eq!(Kind::Csat.categorize(6), None);
    }

    #[test]
    fn nps_is_percent_promoters_minus_percent_detractors() {
        // 5 promoters, 3 passives, 2 detractors of 10: 50% - 20% = 30.
        let summary = Summary::of(Kind::Nps, [10, 9, 9, 10, 9, 7, 8, 8, 0, 6]);
        assert_eq!(summary.score, Some(30.0));
        assert_eq!(summary.count(Category::Promoter), 5);
        assert_eq!(summary.count(Category::Passive), 3);
        assert_eq!(summary.count(Category::Detractor), 2);
        assert_eq!(summary.responses, 10);
    }

    #[test]
    fn nps_edge_cases_span_minus_100_to_100() {
        assert_eq!(Summary::of(Kind::Nps, [] as [u8; 0]).score, None);
        assert_eq!(Summary::of(Kind::Nps, [7, 8, 7]).score, Some(0.0));
        assert_eq!(Summary::of(Kind::Nps, [9, 10]).score, Some(100.0));
        assert_eq!(Summary::of(Kind::Nps, [0, 3, 6]).score, Some(-100.0));
    }

    #[test]
    fn ces_is_the_mean_and_csat_the_share_satisfied() {
        assert_eq!(Summary::of(Kind::Ces, [7, 5, 3]).score, Some(5.0));
        let mut csat = vec![5u8; 80];
        csat.extend([2u8; 20]);
        assert_eq!(Summary::of(Kind::Csat, csat).score, Some(80.0));
    }

    #[test]
    fn off_scale_scores_are_ignored_and_counts_can_be_merged() {
        let summary = Summary::of(Kind::Csat, [0, 6, 4]);
        assert_eq!(summary.responses, 1);
        let merged = Summary::from_counts(Kind::Nps, [(10, 3), (0, 1), (42, 9)]);
        assert_eq!(merged.responses, 4);
        assert_eq!(merged.distribution[10], (10, 3));
        assert_eq!(merged.score, Some(50.0));
    }
}
