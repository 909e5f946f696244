//! Dates in answers, as a timeline: "den 18 mars 2022", "22 april", "18/3", "2022-03-18"
//! are days; "i mars", "under våren 2022", "hösten", "Q2", "första kvartalet", "årets
//! första tertial", "vecka 12" and "år 2022" are periods. Without a year, the round's year
//! is meant. Numbers that are not dates claim nothing: a bare year ("Vision 2040"), a
//! fraction ("1/3 av företagen", unless "den 1/3"), an amount ("12 stycken").
//!
//! The seasons are the meteorological ones: spring March–May, summer June–August, autumn
//! September–November, winter December (of the year before) to February ("vintern 21/22"
//! is December 2021 to February 2022).

use std::ops::Range;

use jiff::civil::{Date, ISOWeekDate, Weekday};

use super::text::{Sentence, lower_words, sentences};

/// A day, or a period of days (both ends included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct When {
    pub from: Date,
    pub to: Date,
}

impl When {
    fn day(date: Date) -> When {
        When {
            from: date,
            to: date,
        }
    }

    /// One day, not a period.
    pub fn is_day(&self) -> bool {
        self.from == self.to
    }
}

/// A date found in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention<'a> {
    pub when: When,
    pub sentence: Sentence<'a>,
    /// The words that say it, as a byte range in the sentence.
    pub phrase: Range<usize>,
}

/// The months' names and their common abbreviations, in lower case.
const MONTHS: [[&str; 2]; 12] = [
    ["januari", "jan"],
    ["februari", "feb"],
    ["mars", "mar"],
    ["april", "apr"],
    ["maj", "maj"],
    ["juni", "jun"],
    ["juli", "jul"],
    ["augusti", "aug"],
    ["september", "sep"],
    ["oktober", "okt"],
    ["november", "nov"],
    ["december", "dec"],
];

/// Words before a day and a month written with a slash that make it a date ("den 1/3"),
/// where the numbers alone could be a fraction.
const DATE_CONTEXT: [&str; 9] = [
    "den", "från", "till", "senast", "per", "före", "efter", "innan", "datum",
];

/// The seasons' names (definite, and genitive), spring first.
const SEASONS: [[&str; 2]; 4] = [
    ["våren", "vårens"],
    ["sommaren", "sommarens"],
    ["hösten", "höstens"],
    ["vintern", "vinterns"],
];

const ORDINALS: [&str; 4] = ["första", "andra", "tredje", "fjärde"];

/// Words kept in the phrase before a month, season or year ("i mars", "under våren").
const LEADS: [&str; 4] = ["i", "under", "från", "till"];

fn month(word: &str, full_only: bool) -> Option<i8> {
    let i = MONTHS
        .iter()
        .position(|[full, short]| word == *full || (!full_only && word == *short))?;
    i8::try_from(i + 1).ok()
}

fn number(word: &str, digits: Range<usize>) -> Option<i32> {
    (digits.contains(&word.len()) && word.bytes().all(|b| b.is_ascii_digit()))
        .then(|| word.parse().ok())
        .flatten()
}

fn year(word: &str) -> Option<i16> {
    number(word, 4..5)
        .filter(|y| (1900..=2100).contains(y))
        .and_then(|y| i16::try_from(y).ok())
}

fn date(year: i16, month: i8, day: i8) -> Option<Date> {
    Date::new(year, month, day).ok()
}

fn months(year: i16, first: i8, last: i8) -> Option<When> {
    Some(When {
        from: date(year, first, 1)?,
        to: date(year, last, 1)?.last_of_month(),
    })
}

/// Every date in `text`, in the order written; `year` is the round's.
pub fn dates(text: &str, year: i16) -> Vec<DateMention<'_>> {
    let mut out = Vec::new();
    for sentence in sentences(text) {
        let words = lower_words(sentence.text);
        let scan = Scan {
            text: sentence.text,
            words: &words,
            year,
        };
        let mut i = 0;
        while i < words.len() {
            match scan.at(i) {
                Some((when, first, last)) => {
                    out.push(DateMention {
                        when,
                        sentence,
                        phrase: words[first].1.start..words[last].1.end,
                    });
                    i = last + 1;
                }
                None => i += 1,
            }
        }
    }
    out
}

struct Scan<'s> {
    text: &'s str,
    words: &'s [(String, Range<usize>)],
    year: i16,
}

impl Scan<'_> {
    fn w(&self, i: usize) -> &str {
        self.words.get(i).map_or("", |(w, _)| w.as_str())
    }

    /// The text between word `i` and the next.
    fn gap(&self, i: usize) -> &str {
        match (self.words.get(i), self.words.get(i + 1)) {
            (Some((_, a)), Some((_, b))) => &self.text[a.end..b.start],
            _ => "",
        }
    }

    /// A year right after word `i`: (the year, the last word used).
    fn year_after(&self, i: usize) -> (i16, usize) {
        match year(self.w(i + 1)) {
            Some(y) if self.gap(i).trim().is_empty() => (y, i + 1),
            _ => (self.year, i),
        }
    }

    /// The first word of the phrase: a lead word before `i` ("i", "under", "årets") if any.
    fn lead(&self, i: usize, leads: &[&str]) -> usize {
        if i > 0 && leads.contains(&self.w(i - 1)) {
            i - 1
        } else {
            i
        }
    }

    /// A date starting at word `i`: when, the phrase's first and last word.
    fn at(&self, i: usize) -> Option<(When, usize, usize)> {
        let w = self.w(i);
        // 2022-03-18
        if let [y, m, d] = w.split('-').collect::<Vec<_>>()[..] {
            let (y, m, d) = (year(y)?, number(m, 2..3)?, number(d, 2..3)?);
            let day = date(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?)?;
            return Some((When::day(day), i, i));
        }
        if let Some(day) = number(w, 1..3) {
            // den 18 mars 2022, 22 april
            if let Some(m) = month(self.w(i + 1), false) {
                let (y, last) = self.year_after(i + 1);
                let day = date(y, m, i8::try_from(day).ok()?)?;
                return Some((When::day(day), self.lead(i, &["den"]), last));
            }
            // 18/3, den 1/3
            if self.gap(i) == "/" && self.gap(i + 1) != "/" {
                let m = number(self.w(i + 1), 1..3)?;
                let lead = self.lead(i, &DATE_CONTEXT);
                if day < m && lead == i {
                    return None; // a fraction, as like as not
                }
                let day = date(self.year, i8::try_from(m).ok()?, i8::try_from(day).ok()?)?;
                return Some((When::day(day), lead, i + 1));
            }
            return None;
        }
        // vecka 12, v. 12
        if matches!(w, "vecka" | "v") {
            let week = number(self.w(i + 1), 1..3)?;
            let (y, last) = self.year_after(i + 1);
            let monday = ISOWeekDate::new(y, i8::try_from(week).ok()?, Weekday::Monday).ok()?;
            let sunday = ISOWeekDate::new(y, i8::try_from(week).ok()?, Weekday::Sunday).ok()?;
            let when = When {
                from: monday.date(),
                to: sunday.date(),
            };
            return Some((when, i, last));
        }
        // Q2, Q2 2022
        if let Some(q) = w.strip_prefix('q').and_then(|q| number(q, 1..2)) {
            return self.quarter(q, i, i);
        }
        // kvartal 2
        if w == "kvartal" {
            return self.quarter(number(self.w(i + 1), 1..2)?, i, i + 1);
        }
        // tertial 1
        if w == "tertial" {
            return self.tertial(number(self.w(i + 1), 1..2)?, i, i + 1);
        }
        // första kvartalet, årets andra tertial
        if let Some(n) = ORDINALS.iter().position(|o| *o == w) {
            let n = i32::try_from(n + 1).ok()?;
            let first = self.lead(i, &["årets"]);
            return match self.w(i + 1) {
                "kvartal" | "kvartalet" => self.quarter(n, first, i + 1),
                "tertial" | "tertialet" | "tertialen" => self.tertial(n, first, i + 1),
                _ => None,
            };
        }
        // i mars, mars 2022
        if let Some(m) = month(w, true) {
            let (y, last) = self.year_after(i);
            return Some((months(y, m, m)?, self.lead(i, &LEADS), last));
        }
        // under våren 2022, hösten, vintern 21/22
        if let Some(season) = SEASONS.iter().position(|forms| forms.contains(&w)) {
            return self.season(season, i);
        }
        // år 2022, under 2022
        if matches!(w, "år" | "under") {
            let y = year(self.w(i + 1))?;
            let first = self.lead(i, &LEADS);
            return Some((months(y, 1, 12)?, first, i + 1));
        }
        None
    }

    fn quarter(&self, q: i32, first: usize, last: usize) -> Option<(When, usize, usize)> {
        let q = i8::try_from(q).ok().filter(|q| (1..=4).contains(q))?;
        let (y, last) = self.year_after(last);
        Some((months(y, 3 * q - 2, 3 * q)?, first, last))
    }

    fn tertial(&self, t: i32, first: usize, last: usize) -> Option<(When, usize, usize)> {
        let t = i8::try_from(t).ok().filter(|t| (1..=3).contains(t))?;
        let (y, last) = self.year_after(last);
        Some((months(y, 4 * t - 3, 4 * t)?, first, last))
    }

    /// Season `s` (0 spring … 3 winter) named at word `i`, with its year if given.
    fn season(&self, s: usize, i: usize) -> Option<(When, usize, usize)> {
        let mut last = i;
        if self.w(i + 1) == "år" {
            last += 1;
        }
        // vintern 21/22, vintern 2021/2022: the year the winter ends in
        let split = number(self.w(last + 1), 2..5).filter(|_| self.gap(last + 1) == "/");
        let (y, last) = match (split, number(self.w(last + 2), 2..5)) {
            (Some(_), Some(end)) if s == 3 => {
                let end = if end < 100 { 2000 + end } else { end };
                (i16::try_from(end).ok()?, last + 2)
            }
            _ => match year(self.w(last + 1)) {
                Some(y) => (y, last + 1),
                None => (self.year, i),
            },
        };
        let when = match s {
            0 => months(y, 3, 5)?,
            1 => months(y, 6, 8)?,
            2 => months(y, 9, 11)?,
            _ => When {
                from: date(y - 1, 12, 1)?,
                to: date(y, 2, 1)?.last_of_month(),
            },
        };
        Some((when, self.lead(i, &LEADS), last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, String, String)> {
        dates(text, 2022)
            .into_iter()
            .map(|d| {
                (
                    d.sentence.text[d.phrase].to_owned(),
                    d.when.from.to_string(),
                    d.when.to.to_string(),
                )
            })
            .collect()
    }

    fn one(text: &str) -> (String, String, String) {
        let all = found(text);
        assert_eq!(all.len(), 1, "{text}: {all:?}");
        all.into_iter().next().unwrap_or_default()
    }

    fn is(phrase: &str, from: &str, to: &str) -> (String, String, String) {
        (phrase.into(), from.into(), to.into())
    }

    #[test]
    fn days_and_periods_with_and_without_a_year() {
        for (text, want) in [
            (
                "Mötet hölls den 18 mars 2022.",
                is("den 18 mars 2022", "2022-03-18", "2022-03-18"),
            ),
            (
                "Dialogen var 22 april 2022 i Skärholmen.",
                is("22 april 2022", "2022-04-22", "2022-04-22"),
            ),
            (
                "Vi ses den 3 maj.",
                is("den 3 maj", "2022-05-03", "2022-05-03"),
            ),
            (
                "Start 18/3 med alla.",
                is("18/3", "2022-03-18", "2022-03-18"),
            ),
            ("Klart den 1/3.", is("den 1/3", "2022-03-01", "2022-03-01")),
            (
                "Beslut 2021-11-30 i nämnden.",
                is("2021-11-30", "2021-11-30", "2021-11-30"),
            ),
            (
                "Det startar i mars.",
                is("i mars", "2022-03-01", "2022-03-31"),
            ),
            (
                "Det startar februari 2023.",
                is("februari 2023", "2023-02-01", "2023-02-28"),
            ),
            (
                "Arbetet sker under våren 2022.",
                is("under våren 2022", "2022-03-01", "2022-05-31"),
            ),
            (
                "Vi fortsätter under hösten.",
                is("under hösten", "2022-09-01", "2022-11-30"),
            ),
            (
                "Sommarens aktiviteter.",
                is("Sommarens", "2022-06-01", "2022-08-31"),
            ),
            (
                "Under vintern år 21/22 gjordes det.",
                is("Under vintern år 21/22", "2021-12-01", "2022-02-28"),
            ),
            ("Leverans Q2.", is("Q2", "2022-04-01", "2022-06-30")),
            (
                "Under första kvartalet 2023.",
                is("första kvartalet 2023", "2023-01-01", "2023-03-31"),
            ),
            (
                "Under årets första tertial träffades vi.",
                is("årets första tertial", "2022-01-01", "2022-04-30"),
            ),
            (
                "Vi träffas vecka 12.",
                is("vecka 12", "2022-03-21", "2022-03-27"),
            ),
            (
                "Under år 2022 ska vi arbeta.",
                is("Under år 2022", "2022-01-01", "2022-12-31"),
            ),
        ] {
            assert_eq!(one(text), want, "{text}");
        }
    }

    #[test]
    fn numbers_that_are_not_dates_claim_nothing() {
        for text in [
            "Vision 2040 gäller.",
            "Var 1/3 av företagen nöjda?",
            "Vi genomförde tolv föreställningar och 12 möten.",
            "Ring 08-000 00 00.",
            "Det gäller 30 av 31 företag.",
            "Mötet sker på veckobasis.",
            "Den 31/2 finns inte.",
            "Budget 2022 och 50 procent.",
            "I vår kommun.",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }

    #[test]
    fn several_dates_in_order() {
        assert_eq!(
            found("Från den 1 april till vecka 20. Sedan i juni."),
            vec![
                is("den 1 april", "2022-04-01", "2022-04-01"),
                is("vecka 20", "2022-05-16", "2022-05-22"),
                is("i juni", "2022-06-01", "2022-06-30"),
            ]
        );
    }
}
