//! Swedish-like text about municipal business-policy work: real words and sentence
//! fragments combined at random (from a seed), in paragraphs and "- " bullet lists, so that
//! search, comparisons and exports have realistic material to work on.

use tertial_documents::swedish::MONTHS;

/// A deterministic pseudo-random sequence (SplitMix64), made from a seed and the parts
/// that name what it generates, so the same parts always give the same text whatever order
/// things are generated in.
pub struct Rng(u64);

impl Rng {
    pub fn new(parts: &[u64]) -> Rng {
        Rng(hash(parts))
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        // n is small; the bias of the remainder is negligible here.
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A fraction in `[0, 1)` fixed by `parts`.
pub fn fraction(parts: &[u64]) -> f64 {
    // 53 bits fill an f64's mantissa exactly.
    (hash(parts) >> 11) as f64 / (1u64 << 53) as f64
}

fn hash(parts: &[u64]) -> u64 {
    parts.iter().fold(
        0x5155_4e41_5254_4941,
        |h, p| mix(h ^ mix(p.wrapping_add(1))),
    )
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The follow-up's four focus areas (the business policy's).
pub const FOCUS_AREAS: [&str; 4] = [
    "Stimulera tillväxt och företagsamhet",
    "Förbättra service, tillgänglighet och myndighetsutövning",
    "Attraktivare miljöer och en bättre framkomlighet",
    "Öka tillgången till arbetskraft med relevant kompetens",
];

/// Questions per focus area.
pub const QUESTIONS: [[&str; 3]; 4] = [
    [
        "Beskriv samverkan med det lokala näringslivet inom nämndens ansvarsområde.",
        "Beskriv nämndens arbete med etablering av nya företag.",
        "Hur arbetar nämnden för ett gott företagsklimat och en god dialog med företagen?",
    ],
    [
        "Beskriv hur nämnden förbättrar service och tillgänglighet för företag i myndighetsutövningen.",
        "Hur sker samverkan med polisen, Skatteverket och andra myndigheter mot den svarta ekonomin och organiserad brottslighet i näringslivet?",
        "Beskriv nämndens arbete med upphandling som öppnar för små och medelstora företag.",
    ],
    [
        "Hur samverkar nämnden om platssamverkan och platsaktivering för en trygg närmiljö för det lokala näringslivet?",
        "Beskriv arbetet med attraktiva miljöer och framkomlighet för näringslivet.",
        "Hur bidrar nämnden till kultur och aktivitet i det offentliga rummet?",
    ],
    [
        "Beskriv nämndens insatser för att matcha arbetssökande mot företagens behov av arbetskraft.",
        "Hur arbetar nämnden med feriejobb och andra vägar till arbete för unga?",
        "Beskriv samverkan med Arbetsförmedlingen och utbildningsanordnare om kompetensförsörjning.",
    ],
];

/// What answers in each focus area are about.
const TOPICS: [&[&str]; 4] = [
    &[
        "etablering av nya företag",
        "näringslivsdialogen",
        "företagsklimatet",
        "Växla upp Stockholm",
        "lokalförsörjning för småföretag",
        "samverkan med fastighetsägare",
        "stöd till nyföretagare",
    ],
    &[
        "handläggningstiderna för serveringstillstånd",
        "bygglovsprocessen",
        "arbetet mot den svarta ekonomin",
        "upphandling av lokala tjänster",
        "tillgängligheten i e-tjänsterna",
        "tillsynen av livsmedelsverksamheter",
        "företagslotsen",
    ],
    &[
        "platssamverkan",
        "trygghet i centrummiljön",
        "belysning och renhållning",
        "framkomligheten vid ombyggnaden",
        "platsaktivering",
        "kultur i det offentliga rummet",
        "torghandeln",
    ],
    &[
        "kompetensförsörjning",
        "arbetsmarknadsinsatser för unga",
        "feriejobb",
        "matchning mot lediga jobb",
        "språkstöd för arbetssökande",
        "praktikplatser hos lokala företag",
        "arbetsmarknaden i området",
    ],
];

const ACTORS: &[&str] = &[
    "Stockholm Business Region",
    "polisen",
    "trafikkontoret",
    "Skatteverket",
    "exploateringskontoret",
    "stadsbyggnadskontoret",
    "miljöförvaltningen",
    "arbetsmarknadsförvaltningen",
    "Arbetsförmedlingen",
    "socialförvaltningen",
    "fastighetsägarna i området",
    "den lokala företagarföreningen",
    "Företagarna",
    "näringslivsenheten",
];

const PLACES: &[&str] = &[
    "Skärholmens centrum",
    "Rinkeby torg",
    "Bredäng",
    "Hagsätra",
    "Farsta strand",
    "Liljeholmen",
    "Kista",
    "Västberga industriområde",
    "Tensta centrum",
    "Hökarängen",
    "Årsta torg",
    "Fruängen",
];

const ACTIVITIES: &[&str] = &[
    "en näringslivsfrukost",
    "trygghetsvandringar",
    "företagsbesök",
    "en näringslivsdag",
    "rundabordssamtal med handlare",
    "en rekryteringsmässa",
    "workshoppar om upphandling",
    "informationsträffar om tillstånd",
];

const VERBS: &[&str] = &[
    "utvecklat",
    "fördjupat",
    "påbörjat",
    "fortsatt",
    "samordnat",
    "följt upp",
];

const DECISIONS: &[&str] = &[
    "är ej beslutat",
    "inväntar beslut",
    "inväntar beslut i nämnden",
    "fattades den {datum}",
    "bereds inför beslut den {datum}",
];

const FREQUENCIES: &[&str] = &[
    "varje månad",
    "varje kvartal",
    "två gånger per termin",
    "löpande",
    "i samband med tertialrapporterna",
];

const CHALLENGES: &[&str] = &[
    "nå de mindre företagen",
    "resurserna är begränsade",
    "samordna insatserna mellan förvaltningarna",
    "ledtiderna i bygglovsprocessen är långa",
    "många lokaler står tomma",
    "företagen efterfrågar snabbare besked",
];

const SENTENCES: &[&str] = &[
    "Under perioden har förvaltningen {verb} arbetet med {ämne} tillsammans med {aktör}.",
    "Samverkan med {aktör} sker {frekvens} genom avstämningar om {ämne}.",
    "Den {datum} genomfördes {aktivitet} i {plats} med {antal} deltagande företag.",
    "Beslut om en handlingsplan för {ämne} {beslut}.",
    "Dialogen med {aktör} har lett till att {antal} företag fått stöd i frågor om {ämne}.",
    "Arbetet med {ämne} följs upp {frekvens} i förvaltningens ledningsgrupp.",
    "En utmaning är att {utmaning}, vilket påverkar arbetet med {ämne}.",
    "Förvaltningen har tillsammans med {aktör} tagit fram en lägesbild för {plats}.",
    "Inom platssamverkan i {plats} har {aktivitet} genomförts tillsammans med {aktör} och {aktör}.",
    "Upphandlingen som rör {ämne} {beslut}.",
    "Insatserna bedöms ha bidragit till ökad trygghet och ett bättre företagsklimat i {plats}.",
    "{antal} personer har gått vidare till arbete eller studier efter insatser inom {ämne}.",
    "Nämnden har {verb} dialogen med {aktör} om {ämne}, och nästa möte hålls den {datum}.",
    "Frågor om {ämne} lyfts regelbundet i det lokala brottsförebyggande rådet där {aktör} deltar.",
    "Etableringen av ett nytt företagscentrum i {plats} {beslut}.",
    "Under året har {antal} ärenden om {ämne} handlagts, de flesta inom fastställd tid.",
];

const LIST_LEADS: &[&str] = &[
    "Under perioden har bland annat följande genomförts:",
    "Prioriterade aktiviteter framåt är:",
    "Samverkan sker främst med:",
    "Arbetet omfattar bland annat:",
];

const LIST_ITEMS: &[&str] = &[
    "{Aktivitet} i {plats} den {datum}",
    "{Aktör}: dialog om {ämne}",
    "{Ämne} – {beslut}",
    "Uppföljning av {ämne} {frekvens}",
    "{Aktivitet} tillsammans med {aktör}",
];

const NOT_APPLICABLE: &[&str] = &[
    "Frågan berör inte nämndens uppdrag.",
    "Nämnden saknar verksamhet inom området.",
    "Arbetet ansvaras av {aktör} och redovisas där.",
    "Ej aktuellt under perioden; frågan tas upp igen inför nästa tertial.",
];

const COMPLETIONS: &[&str] = &[
    "Komplettering: arbetet följs upp {frekvens} och redovisas till nämnden den {datum}.",
    "Komplettering: i arbetet med {ämne} deltar även {aktör}.",
];

pub const FIRST_NAMES: &[&str] = &[
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Mikael", "Eva", "Anders", "Åsa",
    "Björn", "Leila", "Ahmed", "Sofia", "Jörgen", "Elin", "Omar", "Linnéa", "Per",
];

pub const LAST_NAMES: &[&str] = &[
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Lindström",
    "Åberg",
    "Hassan",
    "Berglund",
    "Sjöberg",
    "Öberg",
    "Holm",
];

/// Names of places for bodies, combined as first part + second part.
const PLACE_STARTS: &[&str] = &[
    "Norr", "Söder", "Väster", "Öster", "Berg", "Sjö", "Ek", "Björk", "Lind", "Ask", "Hag", "Ny",
    "Mal", "Sol", "Ros", "Gran", "Fur", "Al", "Äng", "Strand", "Hammar", "Sten", "Kvarn", "Lunda",
];
const PLACE_ENDS: &[&str] = &[
    "by", "berga", "vik", "dal", "holm", "sätra", "äng", "torp", "hagen", "lunda", "ö", "hamra",
    "åsen", "näs", "sund", "tuna",
];

/// The `n`th of the generated place names: unique for every `n`.
pub fn place(n: usize) -> String {
    let combos = PLACE_STARTS.len() * PLACE_ENDS.len();
    let (i, round) = (n % combos, n / combos);
    let name = format!(
        "{}{}",
        PLACE_STARTS[i % PLACE_STARTS.len()],
        PLACE_ENDS[i / PLACE_STARTS.len()]
    );
    if round == 0 {
        name
    } else {
        format!("{name} {}", round + 1)
    }
}

/// Writes text in the context of one answer: its focus area (0..4) and the year around
/// which its dates fall.
pub struct Writer<'r> {
    pub rng: &'r mut Rng,
    pub area: usize,
    pub year: i32,
}

impl Writer<'_> {
    /// A paragraph of prose (two to four sentences) or a lead-in and a bullet list.
    pub fn paragraph(&mut self) -> String {
        if self.rng.below(4) == 0 {
            let mut text = self.write(LIST_LEADS);
            for _ in 0..self.rng.between(3, 5) {
                text.push_str("\n- ");
                let item = self.write(LIST_ITEMS);
                text.push_str(&item);
            }
            text
        } else {
            let sentences: Vec<String> = (0..self.rng.between(2, 4))
                .map(|_| self.write(SENTENCES))
                .collect();
            sentences.join(" ")
        }
    }

    /// The justification of an "Ej aktuellt".
    pub fn not_applicable(&mut self) -> String {
        self.write(NOT_APPLICABLE)
    }

    /// What a body adds when its report was returned for completion.
    pub fn completion(&mut self) -> String {
        self.write(COMPLETIONS)
    }

    /// One of `templates`, filled.
    fn write(&mut self, templates: &[&str]) -> String {
        let template = self.rng.pick(templates);
        self.expand(template)
    }

    /// A date near the year, written as Swedes write it: "den 18 mars 2022" without "den".
    fn date(&mut self) -> String {
        let year = self.year - i32::from(self.rng.below(3) == 0);
        let month = self.rng.below(12);
        format!("{} {} {year}", self.rng.between(1, 28), MONTHS[month])
    }

    /// Fills every `{slot}` of a template; a capitalised slot gives a capitalised word.
    fn expand(&mut self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() * 2);
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let end = start + rest[start..].find('}').unwrap_or(rest.len() - start);
            let slot = &rest[start + 1..end];
            let capital = slot.chars().next().is_some_and(char::is_uppercase);
            let filled = self.fill(&slot.to_lowercase());
            if capital {
                let mut chars = filled.chars();
                if let Some(first) = chars.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(chars.as_str());
                }
            } else {
                out.push_str(&filled);
            }
            rest = &rest[(end + 1).min(rest.len())..];
        }
        out.push_str(rest);
        out
    }

    fn fill(&mut self, slot: &str) -> String {
        let words = match slot {
            "datum" => return self.date(),
            "antal" => return self.rng.between(2, 40).to_string(),
            "beslut" => return self.write(DECISIONS),
            "ämne" => TOPICS[self.area % TOPICS.len()],
            "aktör" => ACTORS,
            "plats" => PLACES,
            "aktivitet" => ACTIVITIES,
            "verb" => VERBS,
            "frekvens" => FREQUENCIES,
            "utmaning" => CHALLENGES,
            _ => &[""][..],
        };
        self.rng.pick(words).to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_parts_give_the_same_text_and_other_parts_other_text() {
        let text = |parts: &[u64]| {
            let mut rng = Rng::new(parts);
            let mut writer = Writer {
                rng: &mut rng,
                area: 2,
                year: 2024,
            };
            (0..5).map(|_| writer.paragraph()).collect::<Vec<_>>()
        };
        assert_eq!(text(&[1, 2, 3]), text(&[1, 2, 3]));
        assert_ne!(text(&[1, 2, 3]), text(&[1, 2, 4]));
        let all = text(&[7]).join("\n");
        assert!(!all.contains('{') && !all.contains('}'), "{all}");
    }

    #[test]
    fn text_is_valid_swedish_answer_text() {
        let mut rng = Rng::new(&[42]);
        let mut writer = Writer {
            rng: &mut rng,
            area: 0,
            year: 2023,
        };
        let mut lists = 0;
        for _ in 0..200 {
            let paragraph = writer.paragraph();
            lists += usize::from(paragraph.contains("\n- "));
            let clean = tertial_domain::validate::clean_text(&paragraph, 20_000);
            assert_eq!(clean.as_deref(), Ok(paragraph.as_str()));
        }
        assert!(lists > 20, "some paragraphs are lists: {lists}");
    }

    #[test]
    fn places_are_unique() {
        let names: std::collections::HashSet<String> = (0..20_000).map(place).collect();
        assert_eq!(names.len(), 20_000);
    }

    #[test]
    fn fractions_spread_over_the_unit_interval() {
        let low = (0..1000).filter(|i| fraction(&[*i]) < 0.5).count();
        assert!((400..600).contains(&low), "{low}");
    }
}
