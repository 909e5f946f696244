//! The insights into a round's answers in Swedish: the labels both the pages and the
//! compiled report's appendices use, and the appendices themselves.

use tertial_domain::compiled::{Appendix, AppendixBlock};
use tertial_domain::insights::actors::{ActorFinder, RegisteredActor};
use tertial_domain::insights::dates::When;
use tertial_domain::insights::lix::{Counts, LONGEST_SHOWN, Level};
use tertial_domain::insights::round::{Passage, RoundTexts};

use crate::swedish::{MONTHS, date};

pub const ACTORS: &str = "Aktörer";
pub const PENDING: &str = "Beslut som väntar";
pub const TIMELINE: &str = "Tidslinje";
pub const READABILITY: &str = "Läsbarhet";
pub const COLUMN_BODY: &str = "Nämnd eller bolag";
pub const COLUMN_LIX: &str = "LIX";
pub const COLUMN_LEVEL: &str = "Svårighet";
pub const COLUMN_WORDS: &str = "Ord";
pub const COLUMN_SENTENCES: &str = "Meningar";
pub const COLUMN_LONGEST: &str = "Längsta meningen (ord)";
pub const WHOLE_REPORT: &str = "Hela sammanställningen";
pub const NOTHING_FOUND: &str = "Inget hittades i de inskickade svaren.";

/// "mycket lätt" … "mycket svår".
pub fn level(level: Level) -> &'static str {
    match level {
        Level::VeryEasy => "mycket lätt",
        Level::Easy => "lätt",
        Level::Medium => "medelsvår",
        Level::Hard => "svår",
        Level::VeryHard => "mycket svår",
    }
}

/// "LIX 52 (svår)", or "–" for a text without words.
pub fn lix(counts: &Counts) -> String {
    counts.lix().map_or_else(
        || "–".to_owned(),
        |lix| format!("LIX {lix} ({})", level(Level::of(lix))),
    )
}

/// The hint under an answer, with `{lix}`, `{level}` and `{longest}` to fill in (the form's
/// script fills it in too, as the reporter types).
pub const HINT: &str = "Läsbarhet: LIX {lix} ({level}). Längsta meningen har {longest} ord.";

/// Every level's name, the easiest first.
pub const LEVELS: [Level; 5] = [
    Level::VeryEasy,
    Level::Easy,
    Level::Medium,
    Level::Hard,
    Level::VeryHard,
];

/// The hint under an answer: "Läsbarhet: LIX 52 (svår). Längsta meningen har 48 ord."
pub fn hint(counts: &Counts) -> Option<String> {
    let lix = counts.lix()?;
    Some(
        HINT.replace("{lix}", &lix.to_string())
            .replace("{level}", level(Level::of(lix)))
            .replace("{longest}", &counts.longest_sentence.to_string()),
    )
}

/// "18 mars 2022"; "mars 2022"; "1 mars–31 maj 2022"; "1 december 2021–28 februari 2022".
pub fn when(when: &When) -> String {
    let (from, to) = (when.from, when.to);
    if when.is_day() {
        return date(from);
    }
    let whole_months = from.day() == 1 && to == to.last_of_month();
    let month = |d: jiff::civil::Date| MONTHS[usize::try_from(d.month() - 1).unwrap_or(0)];
    if whole_months && from.year() == to.year() {
        if from.month() == 1 && to.month() == 12 {
            return format!("år {}", from.year());
        }
        if from.month() == to.month() {
            return format!("{} {}", month(from), from.year());
        }
        return format!("{}–{} {}", month(from), month(to), to.year());
    }
    format!("{}–{}", date(from), date(to))
}

/// "1.2 Fråga …: sentence"
fn line(texts: &RoundTexts, passage: &Passage) -> String {
    let answer = &texts.answers[passage.answer];
    format!(
        "{} {}: {}",
        answer.number, answer.question, passage.sentence
    )
}

/// The compiled report's appendices for what the insights find in `texts`.
pub fn appendices(texts: &RoundTexts, register: &[RegisteredActor]) -> Vec<Appendix> {
    let name = |body: usize| texts.bodies[body].name.clone();
    let per_body = |lists: Vec<Vec<String>>| -> Vec<AppendixBlock> {
        let blocks: Vec<AppendixBlock> = lists
            .into_iter()
            .enumerate()
            .filter(|(_, items)| !items.is_empty())
            .flat_map(|(body, items)| {
                [
                    AppendixBlock::Heading(name(body)),
                    AppendixBlock::List(items),
                ]
            })
            .collect();
        if blocks.is_empty() {
            vec![AppendixBlock::Paragraph(NOTHING_FOUND.into())]
        } else {
            blocks
        }
    };

    let actors: Vec<&RegisteredActor> = register.iter().filter(|a| a.active).collect();
    let finder = ActorFinder::new(register);
    let found = texts.actor_passages(&finder, register.len());
    let mut rows = Vec::new();
    for (body, per_actor) in found.iter().enumerate() {
        let named: Vec<String> = register
            .iter()
            .zip(per_actor)
            .filter(|(_, passages)| !passages.is_empty())
            .map(|(actor, passages)| format!("{} ({})", actor.name, passages.len()))
            .collect();
        if !named.is_empty() {
            rows.push(vec![name(body), named.join(", ")]);
        }
    }
    let actor_blocks = if rows.is_empty() || actors.is_empty() {
        vec![AppendixBlock::Paragraph(NOTHING_FOUND.into())]
    } else {
        vec![
            AppendixBlock::Paragraph(
                "Aktörer ur aktörsregistret som svaren nämner, med antalet meningar som nämner dem."
                    .into(),
            ),
            AppendixBlock::Table {
                columns: vec![COLUMN_BODY.into(), ACTORS.into()],
                rows,
            },
        ]
    };

    let pending = texts
        .pending_decisions()
        .into_iter()
        .map(|list| list.iter().map(|p| line(texts, p)).collect())
        .collect();
    let timeline = texts
        .timeline()
        .into_iter()
        .map(|list| {
            list.iter()
                .map(|(w, p)| format!("{}: {}", when(w), line(texts, p)))
                .collect()
        })
        .collect();

    let (bodies, total) = texts.readability(LONGEST_SHOWN);
    let mut readability = vec![AppendixBlock::Paragraph(format!(
        "LIX = ord per mening + 100 × andelen långa ord (fler än sex bokstäver). {WHOLE_REPORT}: {}.",
        lix(&total)
    ))];
    let rows: Vec<Vec<String>> = bodies
        .iter()
        .filter(|b| b.counts.words > 0)
        .map(|b| {
            vec![
                name(b.body),
                b.counts.lix().map(|l| l.to_string()).unwrap_or_default(),
                b.counts
                    .lix()
                    .map(|l| level(Level::of(l)).to_owned())
                    .unwrap_or_default(),
                b.counts.words.to_string(),
                b.counts.sentences.to_string(),
                b.counts.longest_sentence.to_string(),
            ]
        })
        .collect();
    readability.push(AppendixBlock::Table {
        columns: [
            COLUMN_BODY,
            COLUMN_LIX,
            COLUMN_LEVEL,
            COLUMN_WORDS,
            COLUMN_SENTENCES,
            COLUMN_LONGEST,
        ]
        .map(String::from)
        .to_vec(),
        rows,
    });

    vec![
        Appendix {
            title: format!("Bilaga: {ACTORS}"),
            blocks: actor_blocks,
        },
        Appendix {
            title: format!("Bilaga: {PENDING}"),
            blocks: per_body(pending),
        },
        Appendix {
            title: format!("Bilaga: {TIMELINE}"),
            blocks: per_body(timeline),
        },
        Appendix {
            title: format!("Bilaga: {READABILITY}"),
            blocks: readability,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date as d;

    #[test]
    fn periods_read_as_swedes_write_them() {
        let w = |from, to| when(&When { from, to });
        assert_eq!(w(d(2022, 3, 18), d(2022, 3, 18)), "18 mars 2022");
        assert_eq!(w(d(2022, 3, 1), d(2022, 3, 31)), "mars 2022");
        assert_eq!(w(d(2022, 3, 1), d(2022, 5, 31)), "mars–maj 2022");
        assert_eq!(w(d(2022, 1, 1), d(2022, 12, 31)), "år 2022");
        assert_eq!(
            w(d(2021, 12, 1), d(2022, 2, 28)),
            "1 december 2021–28 februari 2022"
        );
        assert_eq!(
            w(d(2022, 3, 21), d(2022, 3, 27)),
            "21 mars 2022–27 mars 2022"
        );
        let counts = Counts::of("Katten sover i solen. Hunden springer efter bollen i trädgården.");
        assert_eq!(
            hint(&counts).as_deref(),
            Some("Läsbarhet: LIX 25 (lätt). Längsta meningen har 6 ord.")
        );
        assert_eq!(hint(&Counts::default()), None);
    }
}
