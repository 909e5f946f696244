//! Readability: LIX (läsbarhetsindex, Björnsson 1968) and the longest sentences.
//!
//! LIX = words / sentences + 100 × long words / words, where a long word has more than six
//! letters (digits and hyphens are not letters). Words and sentences are counted as
//! [`super::text`] defines them. The index only hints: the Swedish language act asks for
//! "vårdat, enkelt och begripligt", which no number decides.

use super::text::{Sentence, sentences, words};

/// A word is long with more than this many letters.
pub const LONG_WORD_LETTERS: usize = 6;

/// How many of the longest sentences are shown.
pub const LONGEST_SHOWN: usize = 3;

/// The counts LIX is computed from; counts of several texts add up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub words: usize,
    pub long_words: usize,
    pub sentences: usize,
    /// Words in the longest sentence.
    pub longest_sentence: usize,
}

/// How hard a text reads, by its LIX.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Under 25: children's books.
    VeryEasy,
    /// 25–34: simple texts.
    Easy,
    /// 35–44: ordinary newspaper text.
    Medium,
    /// 45–54: factual texts, official Swedish.
    Hard,
    /// 55 and over: specialist literature.
    VeryHard,
}

impl Counts {
    /// The counts of one text.
    pub fn of(text: &str) -> Counts {
        let mut counts = Counts::default();
        for sentence in sentences(text) {
            counts.add_sentence(&sentence);
        }
        counts
    }

    fn add_sentence(&mut self, sentence: &Sentence<'_>) {
        let mut n = 0;
        for word in words(sentence.text) {
            n += 1;
            let letters = sentence.text[word].chars().filter(|c| c.is_alphabetic());
            if letters.count() > LONG_WORD_LETTERS {
                self.long_words += 1;
            }
        }
        self.words += n;
        self.sentences += 1;
        self.longest_sentence = self.longest_sentence.max(n);
    }

    /// Adds another text's counts.
    pub fn add(&mut self, other: Counts) {
        self.words += other.words;
        self.long_words += other.long_words;
        self.sentences += other.sentences;
        self.longest_sentence = self.longest_sentence.max(other.longest_sentence);
    }

    /// LIX, unrounded; `None` for a text without words.
    // Counts of words stay far below 2^52.
    #[allow(clippy::cast_precision_loss)]
    pub fn lix_exact(&self) -> Option<f64> {
        (self.words > 0 && self.sentences > 0).then(|| {
            self.words as f64 / self.sentences as f64
                + 100.0 * self.long_words as f64 / self.words as f64
        })
    }

    /// LIX rounded to a whole number, as it is usually given.
    // Rounded and bounded: LIX lies between 0 and 100 + words.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    pub fn lix(&self) -> Option<u32> {
        self.lix_exact().map(|l| l.round() as u32)
    }
}

impl Level {
    pub fn of(lix: u32) -> Level {
        match lix {
            0..25 => Level::VeryEasy,
            25..35 => Level::Easy,
            35..45 => Level::Medium,
            45..55 => Level::Hard,
            _ => Level::VeryHard,
        }
    }
}

/// The `n` longest sentences of the texts, longest first (in order of appearance when
/// equally long), each with its word count.
pub fn longest_sentences<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<(usize, &'a str)> {
    let mut all: Vec<(usize, &str)> = texts
        .into_iter()
        .flat_map(sentences)
        .map(|s| (s.word_count(), s.text))
        .collect();
    all.sort_by_key(|s| std::cmp::Reverse(s.0));
    all.truncate(n);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lix_of_hand_counted_texts() {
        // "Katten sover i solen. Hunden springer efter bollen i trädgården."
        // Words: Katten sover i solen (4) + Hunden springer efter bollen i trädgården (6) = 10.
        // Sentences: 2. Long (> 6 letters): springer (8), trädgården (10) = 2.
        // LIX = 10/2 + 100 × 2/10 = 5 + 20 = 25.
        let c = Counts::of("Katten sover i solen. Hunden springer efter bollen i trädgården.");
        assert_eq!((c.words, c.sentences, c.long_words), (10, 2, 2));
        assert_eq!(c.lix(), Some(25));
        assert_eq!(Level::of(25), Level::Easy);

        // "Stadsdelsförvaltningen samordnar platssamverkan. Arbetet fortsätter:
        //  - möten varje vecka
        //  - gemensamma åtgärder"
        // Sentences: "Stadsdelsförvaltningen samordnar platssamverkan." (3 words),
        // "Arbetet fortsätter:" (2), "möten varje vecka" (3), "gemensamma åtgärder" (2) = 4.
        // Words: 10. Long: Stadsdelsförvaltningen (22), samordnar (9), platssamverkan (14),
        // Arbetet (7), fortsätter (10), gemensamma (10), åtgärder (8) = 7 ("möten", "varje",
        // "vecka" have five letters).
        // LIX = 10/4 + 100 × 7/10 = 2.5 + 70 = 72.5, rounded 73 (half away from zero).
        let c = Counts::of(
            "Stadsdelsförvaltningen samordnar platssamverkan. Arbetet fortsätter:\n- möten varje vecka\n- gemensamma åtgärder",
        );
        assert_eq!((c.words, c.sentences, c.long_words), (10, 4, 7));
        assert_eq!(c.lix_exact(), Some(72.5));
        assert_eq!(c.lix(), Some(73));
        assert_eq!(Level::of(73), Level::VeryHard);

        // "Mötet hölls den 18 mars 2022 t.ex. i Skärholmen, med SBR."
        // One sentence ("t.ex." ends none). Words: Mötet hölls den 18 mars 2022 t ex i
        // Skärholmen med SBR = 12 ("t.ex" splits at the stop). Long: Skärholmen (10) = 1.
        // LIX = 12/1 + 100 × 1/12 = 12 + 8.33 = 20.33, rounded 20.
        let c = Counts::of("Mötet hölls den 18 mars 2022 t.ex. i Skärholmen, med SBR.");
        assert_eq!((c.words, c.sentences, c.long_words), (12, 1, 1));
        assert_eq!(c.lix(), Some(20));
        assert_eq!(Counts::of(" \n- …").lix(), None);
    }

    #[test]
    fn counts_add_up_and_longest_sentences_come_first() {
        let mut all = Counts::of("Ett två tre.");
        all.add(Counts::of("Fyra fem. Sex sju åtta nio."));
        assert_eq!((all.words, all.sentences, all.longest_sentence), (9, 3, 4));
        assert_eq!(
            longest_sentences(["Ett två tre.", "Fyra fem. Sex sju åtta nio."], 2),
            vec![(4, "Sex sju åtta nio."), (3, "Ett två tre.")]
        );
    }
}
