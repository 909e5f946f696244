//! The data generator (`tertial generate`): a synthetic follow-up at a given scale, for the
//! benchmark and for trying Tertial at city or national scale.
//!
//! One follow-up with the business policy's four focus areas and the questions spread over
//! them; the bodies (mostly district committees, some specialist committees and company
//! boards), a reporter for each, a coordinator and a reader; rounds T1, T2, VB of
//! consecutive years, all closed but the last. In every round most bodies submitted (some a
//! second version after a return), some answered "Ej aktuellt", some never handed in, some
//! reports were approved; answers change a little from round to round. Every submitted
//! version is frozen by the domain's own [`prepare_submission`], exactly as submitting does.
//!
//! Everything follows from the seed: each text and each fate is drawn from a sequence named
//! by the seed and what it is for (body, question, round), so the same arguments give the
//! same database. Rows go in through the store's bulk load, many to a statement and a few
//! hundred bodies to a transaction; the generation is audited once, as nobody's action.

mod swedish;

use std::fmt;

use jiff::civil::Date;
use tertial_domain::report::{Fields, prepare_submission};
use tertial_domain::review::ReviewDecision;
use tertial_domain::round::{stockholm, swedish_date};
use tertial_domain::validate::DEFAULT_MAX_ANSWER_CHARS;
use tertial_domain::{
    AuditAction, AuditSubject, BodyId, BodyKind, Field, FieldValue, FocusArea, FollowUpId,
    NewAuditEntry, Period, Question, QuestionKey, ReportStatus, Role, RoundId, RoundStatus,
    SubmittedContent, Timestamp, UserId,
};
use tertial_store::{
    BulkAnswer, BulkBody, BulkLoad, BulkReport, BulkReview, BulkSubmission, BulkUser, Store,
};

use crate::auth::hash_password;
use crate::users::MIN_PASSWORD_CHARS;
use crate::{AppError, Result, now};
use swedish::{Rng, Writer, fraction};

/// The coordinator's and the reader's accounts.
pub const COORDINATOR: &str = "samordnare@example.se";
pub const READER: &str = "lasare@example.se";

/// The first round's year; later rounds follow T1, T2, VB, T1 of the next year, …
const FIRST_YEAR: i32 = 2024;
/// Bodies written per transaction.
const BODIES_PER_COMMIT: usize = 400;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    pub bodies: usize,
    pub questions: usize,
    pub rounds: usize,
    /// About how long an answer is, in characters (each varies by ±30 %).
    pub answer_chars: usize,
    pub seed: u64,
    /// Whether every reporter gets the password (otherwise reporters cannot sign in).
    pub accounts: bool,
}

/// Why nothing was generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The database already holds a follow-up or a body.
    HasData,
    /// A number out of range: what, and the range.
    Scale(&'static str, usize, usize),
    ShortPassword,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::HasData => f.write_str(
                "the database already holds a follow-up or bodies; generate into a new, \
                 empty database (another --database-url)",
            ),
            Refused::Scale(what, low, high) => write!(f, "{what} must be {low} to {high}"),
            Refused::ShortPassword => write!(
                f,
                "the password must have at least {MIN_PASSWORD_CHARS} characters"
            ),
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub follow_up: FollowUpId,
    pub title: String,
    pub bodies: Vec<(BodyKind, usize)>,
    /// Accounts that can sign in.
    pub accounts: usize,
    pub rounds: Vec<RoundFigures>,
}

/// What one round holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundFigures {
    pub id: RoundId,
    pub period: Period,
    pub year: i32,
    pub status: RoundStatus,
    pub reports: usize,
    /// Reports submitted or approved (the dashboard's "Inskickade").
    pub handed_in: usize,
    /// Submitted versions, the second ones included.
    pub versions: usize,
    pub second_versions: usize,
    pub approved: usize,
    /// Returned for completion and not yet submitted again.
    pub returned: usize,
    /// Bodies that never submitted ("Ej inkommit"): not started, or a draft.
    pub not_started: usize,
    pub drafts: usize,
    /// "Ej aktuellt" answers in the latest submitted versions.
    pub not_applicable: usize,
    pub late: usize,
}

impl RoundFigures {
    pub fn missing(&self) -> usize {
        self.not_started + self.drafts
    }
}

/// Generates a follow-up at `scale` into an empty database; the coordinator and the reader
/// (and with `accounts` every reporter) sign in with `password`. The submitted versions are
/// not in the search index yet: [`crate::App::index_pending`] (or the store's) adds them.
pub async fn generate(
    store: &Store,
    scale: &Scale,
    password: &str,
) -> Result<Result<Generated, Refused>> {
    if let Err(refused) = check(scale, password) {
        return Ok(Err(refused));
    }
    if store.has_follow_ups_or_bodies().await? {
        return Ok(Err(Refused::HasData));
    }
    let plan = Plan::new(scale);
    let hash = hash_password(password.to_owned()).await?;
    let title = format!(
        "Uppföljning av näringslivsarbetet (syntetiska data, frö {})",
        scale.seed
    );
    let follow_up = store
        .insert_follow_up(&title, PURPOSE, &plan.focus_areas(), &plan.questions)
        .await?;
    let mut load = store.bulk_load().await?;
    let bodies = load.bodies(&plan.bodies()).await?;
    let mut users = vec![
        plan.user(
            COORDINATOR,
            "Sam Samordnare",
            Role::Coordinator,
            Some(&hash),
        ),
        plan.user(READER, "Lo Läsare", Role::Reader, Some(&hash)),
    ];
    let reporter_hash = scale.accounts.then_some(hash.as_str());
    for (i, body) in bodies.iter().enumerate() {
        let contact = plan.contact(i);
        let mut user = plan.user(
            &reporter_email(i),
            &contact.0,
            Role::Reporter,
            reporter_hash,
        );
        user.body = Some(*body);
        users.push(user);
    }
    let user_ids = load.users(&users).await?;
    let coordinator = user_ids[0];
    let reporters = &user_ids[2..];
    let mut rounds = Vec::with_capacity(scale.rounds);
    for index in 0..scale.rounds {
        let figures = plan
            .round(
                &mut load,
                follow_up,
                index,
                (&bodies, reporters),
                coordinator,
            )
            .await?;
        rounds.push(figures);
    }
    let entry = NewAuditEntry::new(
        None,
        AuditAction::DataGenerated,
        AuditSubject::FollowUp(follow_up),
    )
    .with_detail(format!(
        "bodies={} questions={} rounds={} answer_chars={} seed={} accounts={}",
        scale.bodies, scale.questions, scale.rounds, scale.answer_chars, scale.seed, scale.accounts
    ));
    load.audit(&entry, now()).await?;
    load.commit().await?;
    let kinds = BodyKind::ALL
        .into_iter()
        .map(|kind| {
            (
                kind,
                (0..scale.bodies).filter(|i| kind_of(*i) == kind).count(),
            )
        })
        .collect();
    Ok(Ok(Generated {
        follow_up,
        title,
        bodies: kinds,
        accounts: 2 + if scale.accounts { scale.bodies } else { 0 },
        rounds,
    }))
}

fn check(scale: &Scale, password: &str) -> Result<(), Refused> {
    // An answer grows by up to 30 % and a paragraph; it must stay within what a form takes.
    let longest = (DEFAULT_MAX_ANSWER_CHARS - 1_000) * 10 / 13;
    for (what, value, low, high) in [
        ("--bodies", scale.bodies, 1, 100_000),
        ("--questions", scale.questions, 1, 100),
        ("--rounds", scale.rounds, 1, 30),
        ("--answer-chars", scale.answer_chars, 10, longest),
    ] {
        if !(low..=high).contains(&value) {
            return Err(Refused::Scale(what, low, high));
        }
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Refused::ShortPassword);
    }
    Ok(())
}

const PURPOSE: &str = "Syntetiska data för prov i stor skala: en uppföljning av stadens \
näringslivsarbete med näringslivspolicyns fyra fokusområden som grund. Svaren är genererade \
och beskriver inga verkliga förhållanden.";

/// The e-mail of the reporter for the `i`th body.
pub fn reporter_email(i: usize) -> String {
    format!("rapportor-{:05}@example.se", i + 1)
}

/// Which kind the `i`th body is: seven in ten district committees, two specialist
/// committees, one company board.
fn kind_of(i: usize) -> BodyKind {
    match i % 10 {
        0..=6 => BodyKind::DistrictCommittee,
        7 | 8 => BodyKind::SpecialistCommittee,
        _ => BodyKind::CompanyBoard,
    }
}

/// What becomes of a body's report in a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    NotStarted,
    Draft,
    /// Submitted, returned for completion, not yet submitted again (open round only).
    Returned,
    /// Submitted, returned, submitted again as version 2.
    Resubmitted,
    Approved,
    Submitted,
}

/// Names of the sequences drawn from (each with the seed and what it is about).
#[derive(Clone, Copy)]
enum Draw {
    Fate = 1,
    Length,
    Touched,
    Rewritten,
    Edited,
    Paragraph,
    NotApplicable,
    Justification,
    Contact,
    Timing,
    Completion,
}

struct Plan {
    seed: u64,
    scale: Scale,
    questions: Vec<Question>,
}

/// Who answers a round: the bodies and their reporters, in the same order.
type Answering<'a> = (&'a [BodyId], &'a [UserId]);

impl Plan {
    fn new(scale: &Scale) -> Plan {
        let mut questions: Vec<Question> = Vec::with_capacity(scale.questions);
        for i in 0..scale.questions {
            let area = i * 4 / scale.questions;
            let position = (0..i).filter(|j| j * 4 / scale.questions == area).count();
            let base = swedish::QUESTIONS[area][position % 3];
            let text = if position < 3 {
                base.to_owned()
            } else {
                format!("{base} (del {})", position / 3 + 1)
            };
            let taken: Vec<QuestionKey> = questions.iter().map(|q| q.key.clone()).collect();
            questions.push(Question {
                key: QuestionKey::from_text(&text, &taken),
                focus_area: u32::try_from(area + 1).unwrap_or(1),
                position: u32::try_from(position + 1).unwrap_or(1),
                text,
                help: None,
                applies_to: BodyKind::ALL.to_vec(),
                bodies: Vec::new(),
                not_applicable_allowed: true,
            });
        }
        Plan {
            seed: scale.seed,
            scale: scale.clone(),
            questions,
        }
    }

    fn focus_areas(&self) -> Vec<FocusArea> {
        (1..)
            .zip(swedish::FOCUS_AREAS)
            .map(|(number, name)| FocusArea {
                number,
                official_name: name.to_owned(),
                label: name.to_owned(),
            })
            .collect()
    }

    fn bodies(&self) -> Vec<BulkBody> {
        const COMMITTEES: [&str; 8] = [
            "miljö",
            "kultur",
            "idrotts",
            "trafik",
            "social",
            "utbildnings",
            "fastighets",
            "arbetsmarknads",
        ];
        const COMPANIES: [&str; 5] = ["Bostäder", "Hamn", "Energi", "Parkering", "Fastigheter"];
        (0..self.scale.bodies)
            .map(|i| {
                let place = swedish::place(i);
                let kind = kind_of(i);
                let (name, short_name) = match kind {
                    BodyKind::DistrictCommittee => {
                        (format!("{place} stadsdelsnämnd"), place.clone())
                    }
                    BodyKind::SpecialistCommittee => {
                        let topic = COMMITTEES[(i / 10) % COMMITTEES.len()];
                        (format!("{place} {topic}nämnd"), format!("{place} {topic}"))
                    }
                    BodyKind::CompanyBoard => {
                        let line = COMPANIES[(i / 10) % COMPANIES.len()];
                        (format!("{place} {line} AB"), format!("{place} {line}"))
                    }
                };
                BulkBody {
                    name,
                    short_name,
                    kind,
                }
            })
            .collect()
    }

    fn user(&self, email: &str, name: &str, role: Role, hash: Option<&str>) -> BulkUser {
        BulkUser {
            email: email.to_owned(),
            name: name.to_owned(),
            role,
            password_hash: hash.map(str::to_owned),
            body: None,
            created_at: self.at(self.opening(0), 8, 0),
        }
    }

    /// The `i`th body's contact person: name, phone and e-mail, the same in every round.
    fn contact(&self, i: usize) -> (String, String, String) {
        let mut rng = Rng::new(&[self.seed, Draw::Contact as u64, i as u64]);
        let first = rng.pick(swedish::FIRST_NAMES);
        let last = rng.pick(swedish::LAST_NAMES);
        let ascii: String = format!("{first}.{last}")
            .to_lowercase()
            .chars()
            .map(|c| match c {
                'å' | 'ä' => 'a',
                'ö' => 'o',
                'é' => 'e',
                c => c,
            })
            .collect();
        let phone = format!("08-508 {:03} {:02}", rng.below(1000), rng.below(100));
        (
            format!("{first} {last}"),
            phone,
            format!("{ascii}@example.se"),
        )
    }

    fn period(index: usize) -> (Period, i32) {
        let period = [Period::T1, Period::T2, Period::Vb][index % 3];
        (period, FIRST_YEAR + i32::try_from(index / 3).unwrap_or(0))
    }

    fn deadline(index: usize) -> Date {
        let (period, year) = Plan::period(index);
        let year = i16::try_from(year).unwrap_or(i16::MAX - 1);
        match period {
            Period::T1 => jiff::civil::date(year, 5, 15),
            Period::T2 => jiff::civil::date(year, 9, 15),
            Period::Vb => jiff::civil::date(year + 1, 2, 15),
        }
    }

    fn opening(&self, index: usize) -> Date {
        Plan::deadline(index)
            .checked_sub(jiff::Span::new().days(30))
            .unwrap_or(Plan::deadline(index))
    }

    /// A time on `date` in Stockholm.
    fn at(&self, date: Date, hour: i8, minute: i8) -> Timestamp {
        date.at(hour, minute, 0, 0)
            .to_zoned_datetime(stockholm())
            .map_or(Timestamp::UNIX_EPOCH, |z| z.timestamp())
    }

    /// What becomes of each body's report in round `index`: fixed shares (rounded up, so
    /// a small scale still has one of each) given out in an order drawn for the round.
    fn fates(&self, index: usize) -> Vec<Fate> {
        let n = self.scale.bodies;
        let open = index + 1 == self.scale.rounds;
        let share = |percent: usize| (n * percent).div_ceil(100);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|i| {
            swedish::Rng::new(&[self.seed, Draw::Fate as u64, index as u64, *i as u64]).next()
        });
        // Where each fate's share ends in the order.
        let not_started = share(4);
        let drafts = not_started + share(4);
        let returned = drafts + share(10);
        let approved = returned + share(if open { 15 } else { 45 });
        let mut fates = vec![Fate::Submitted; n];
        for (rank, body) in order.into_iter().enumerate() {
            fates[body] = match rank {
                r if r < not_started => Fate::NotStarted,
                r if r < drafts => Fate::Draft,
                // In the open round every other returned report waits for its completion.
                r if r < returned && open && (r - drafts) % 2 == 0 => Fate::Returned,
                r if r < returned => Fate::Resubmitted,
                r if r < approved => Fate::Approved,
                _ => Fate::Submitted,
            };
        }
        fates
    }

    /// Generates round `index` and its reports.
    async fn round(
        &self,
        load: &mut BulkLoad,
        follow_up: FollowUpId,
        index: usize,
        (bodies, reporters): Answering<'_>,
        coordinator: UserId,
    ) -> Result<RoundFigures> {
        let open = index + 1 == self.scale.rounds;
        let status = if open {
            RoundStatus::Open
        } else {
            RoundStatus::Closed
        };
        let (period, year) = Plan::period(index);
        let (id, questions) = load
            .round(follow_up, (period, year), Plan::deadline(index), status)
            .await?;
        let asked: Vec<&Question> = questions.iter().collect();
        let fates = self.fates(index);
        let mut figures = RoundFigures {
            id,
            period,
            year,
            status,
            reports: bodies.len(),
            handed_in: 0,
            versions: 0,
            second_versions: 0,
            approved: 0,
            returned: 0,
            not_started: 0,
            drafts: 0,
            not_applicable: 0,
            late: 0,
        };
        let mut start = 0;
        while start < bodies.len() {
            let end = (start + BODIES_PER_COMMIT).min(bodies.len());
            let mut made = Vec::with_capacity(end - start);
            for i in start..end {
                let answering = (bodies[i], reporters[i]);
                let report = self.report(i, index, fates[i], &asked, answering, coordinator)?;
                figures.count(&report);
                made.push(report);
            }
            let reports: Vec<BulkReport> = made.iter().map(|r| r.report.clone()).collect();
            let ids = load.reports(id, &reports).await?;
            let mut answers = Vec::new();
            let mut submissions = Vec::new();
            let mut reviews = Vec::new();
            for (report, id) in made.into_iter().zip(ids) {
                answers.extend(
                    report
                        .answers
                        .into_iter()
                        .map(|a| BulkAnswer { report: id, ..a }),
                );
                submissions.extend(
                    report
                        .submissions
                        .into_iter()
                        .map(|s| BulkSubmission { report: id, ..s }),
                );
                reviews.extend(
                    report
                        .reviews
                        .into_iter()
                        .map(|r| BulkReview { report: id, ..r }),
                );
            }
            load.answers(&answers).await?;
            load.submissions(&submissions).await?;
            load.reviews(&reviews).await?;
            load.commit_and_continue().await?;
            start = end;
        }
        Ok(figures)
    }

    /// The rows of the `i`th body's report in round `index` (the report's id still unknown).
    fn report(
        &self,
        i: usize,
        index: usize,
        fate: Fate,
        questions: &[&Question],
        (body, reporter): (BodyId, UserId),
        coordinator: UserId,
    ) -> Result<ReportRows> {
        let deadline = Plan::deadline(index);
        let mut rng = Rng::new(&[self.seed, Draw::Timing as u64, index as u64, i as u64]);
        let mut rows = ReportRows {
            report: BulkReport {
                body,
                status: ReportStatus::NotStarted,
                updated_at: None,
                submitted_at: None,
            },
            answers: Vec::new(),
            submissions: Vec::new(),
            reviews: Vec::new(),
            not_applicable: 0,
        };
        if fate == Fate::NotStarted {
            return Ok(rows);
        }
        let mut fields = self.fields(i, index, questions);
        if fate == Fate::Draft {
            // Half the questions answered so far, no contact person yet.
            let keep = questions.len().div_ceil(2);
            fields.retain(|field, _| {
                questions[..keep]
                    .iter()
                    .any(|q| field.code() == q.key.as_str())
            });
            let at = self.at(
                self.opening(index) + jiff::Span::new().days(rng.between(1, 25) as i64),
                rng.between(8, 16) as i8,
                rng.below(60) as i8,
            );
            rows.report.status = ReportStatus::Draft;
            rows.report.updated_at = Some(at);
            rows.saved(&fields, &Fields::new(), at, reporter);
            return Ok(rows);
        }
        let late = fraction(&[self.seed, Draw::Timing as u64, index as u64, i as u64, 1]) < 0.08;
        let day = if late {
            deadline + jiff::Span::new().days(rng.between(1, 7) as i64)
        } else {
            deadline - jiff::Span::new().days(rng.between(0, 20) as i64)
        };
        let first = self.at(day, rng.between(8, 16) as i8, rng.below(60) as i8);
        let mut latest = first;
        rows.submit(freeze(questions, &fields)?, first, reporter, deadline);
        let mut earlier = Fields::new();
        if matches!(fate, Fate::Returned | Fate::Resubmitted) {
            let returned_at = first + jiff::SignedDuration::from_hours(48);
            rows.review(
                1,
                ReviewDecision::Return,
                RETURN_COMMENT,
                returned_at,
                coordinator,
            );
            if fate == Fate::Resubmitted {
                earlier = fields.clone();
                self.complete(i, index, questions, &mut fields);
                latest = first + jiff::SignedDuration::from_hours(24 * 6);
                rows.submit(freeze(questions, &fields)?, latest, reporter, deadline);
            }
        }
        rows.saved(&fields, &earlier, latest, reporter);
        rows.not_applicable = fields.values().filter(|v| v.not_applicable).count();
        rows.report.updated_at = Some(latest);
        rows.report.submitted_at = Some(latest);
        rows.report.status = match fate {
            Fate::Returned => ReportStatus::Returned,
            Fate::Approved => {
                let number = rows.submissions.len() as i64;
                let at = latest + jiff::SignedDuration::from_hours(72);
                rows.review(number, ReviewDecision::Approve, "", at, coordinator);
                ReportStatus::Approved
            }
            _ => ReportStatus::Submitted,
        };
        Ok(rows)
    }

    /// The `i`th body's fields in round `index`, as it would have typed them.
    fn fields(&self, i: usize, index: usize, questions: &[&Question]) -> Fields {
        let mut fields = Fields::new();
        for question in questions {
            let q = self
                .questions
                .iter()
                .position(|p| p.key == question.key)
                .unwrap_or(0);
            let value = if self.not_applicable(i, q, index) {
                let mut rng =
                    Rng::new(&[self.seed, Draw::Justification as u64, i as u64, q as u64]);
                let mut writer = self.writer(&mut rng, question, index);
                FieldValue {
                    text: writer.not_applicable(),
                    not_applicable: true,
                }
            } else {
                FieldValue::text(self.answer(i, q, question, index))
            };
            fields.insert(Field::Answer(question.key.clone()), value);
        }
        let (name, phone, email) = self.contact(i);
        fields.insert(Field::ContactName, FieldValue::text(name));
        fields.insert(Field::ContactPhone, FieldValue::text(phone));
        fields.insert(Field::ContactEmail, FieldValue::text(email));
        let mut rng = Rng::new(&[self.seed, Draw::Contact as u64, i as u64, index as u64]);
        let other = if rng.below(5) == 0 {
            let question = &self.questions[rng.below(self.questions.len())];
            self.writer(&mut rng, question, index).paragraph()
        } else {
            String::new()
        };
        fields.insert(Field::OtherInformation, FieldValue::text(other));
        fields
    }

    /// Whether the `i`th body answers question `q` "Ej aktuellt" in round `index`: some
    /// always do, some only now and then.
    fn not_applicable(&self, i: usize, q: usize, index: usize) -> bool {
        let draw =
            |parts: &[u64]| fraction(&[&[self.seed, Draw::NotApplicable as u64], parts].concat());
        draw(&[i as u64, q as u64]) < 0.04 || draw(&[i as u64, q as u64, index as u64]) < 0.03
    }

    /// The `i`th body's answer to question `q` in round `index`: paragraphs until it is
    /// about as long as asked. Each paragraph is rewritten only in the rounds that touch it,
    /// so most of an answer stays the same from one round to the next.
    fn answer(&self, i: usize, q: usize, question: &Question, index: usize) -> String {
        let (seed, body, q) = (self.seed, i as u64, q as u64);
        let spread = 0.7 + 0.6 * fraction(&[seed, Draw::Length as u64, body, q]);
        let target = (self.scale.answer_chars as f64 * spread) as usize;
        let touched = |round: u64| fraction(&[seed, Draw::Touched as u64, body, q, round]) < 0.5;
        let rewritten =
            |round: u64| fraction(&[seed, Draw::Rewritten as u64, body, q, round]) < 0.05;
        let mut text = String::new();
        let mut chars = 0;
        let mut k = 0u64;
        // Stop half a paragraph short, so that answers average about the length asked.
        while chars == 0 || chars + 150 < target {
            let edits: Vec<u64> = (1..=index as u64)
                .filter(|&r| {
                    touched(r)
                        && (rewritten(r)
                            || fraction(&[seed, Draw::Edited as u64, body, q, k, r]) < 0.35)
                })
                .collect();
            let written_in = edits.last().copied().unwrap_or(0) as usize;
            let mut rng = Rng::new(&[seed, Draw::Paragraph as u64, body, q, k, edits.len() as u64]);
            let paragraph = self.writer(&mut rng, question, written_in).paragraph();
            if !text.is_empty() {
                text.push_str("\n\n");
                chars += 2;
            }
            chars += paragraph.chars().count();
            text.push_str(&paragraph);
            k += 1;
        }
        text
    }

    /// What a body adds to one or two answers after a return.
    fn complete(&self, i: usize, index: usize, questions: &[&Question], fields: &mut Fields) {
        let mut rng = Rng::new(&[self.seed, Draw::Completion as u64, i as u64, index as u64]);
        for _ in 0..rng.between(1, 2) {
            let question = questions[rng.below(questions.len())];
            let addition = self
                .writer(&mut Rng::new(&[rng.next()]), question, index)
                .completion();
            if let Some(value) = fields.get_mut(&Field::Answer(question.key.clone()))
                && !value.not_applicable
            {
                value.text.push_str("\n\n");
                value.text.push_str(&addition);
            }
        }
    }

    fn writer<'r>(&self, rng: &'r mut Rng, question: &Question, index: usize) -> Writer<'r> {
        Writer {
            rng,
            area: question.focus_area.saturating_sub(1) as usize,
            year: Plan::period(index).1,
        }
    }
}

const RETURN_COMMENT: &str =
    "Komplettera gärna med hur arbetet följs upp och vilka aktörer som deltar.";

/// Freezes fields as submitting does; the generator only makes complete reports.
fn freeze(questions: &[&Question], fields: &Fields) -> Result<SubmittedContent> {
    prepare_submission(questions, fields).map_err(|problems| {
        AppError::Internal(format!("generated an incomplete report: {problems:?}"))
    })
}

/// One report's rows, before the report has its id.
struct ReportRows {
    report: BulkReport,
    answers: Vec<BulkAnswer>,
    submissions: Vec<BulkSubmission>,
    reviews: Vec<BulkReview>,
    not_applicable: usize,
}

impl ReportRows {
    fn submit(&mut self, content: SubmittedContent, at: Timestamp, by: UserId, deadline: Date) {
        self.submissions.push(BulkSubmission {
            report: tertial_domain::ReportId(0),
            number: self.submissions.len() as i64 + 1,
            submitted_at: at,
            submitted_by: by,
            late: swedish_date(at) > deadline,
            content,
        });
    }

    fn review(
        &mut self,
        number: i64,
        decision: ReviewDecision,
        comment: &str,
        at: Timestamp,
        by: UserId,
    ) {
        self.reviews.push(BulkReview {
            report: tertial_domain::ReportId(0),
            submission: number,
            decision,
            comment: comment.to_owned(),
            reviewed_by: by,
            reviewed_at: at,
        });
    }

    /// The answers as last saved: a field that differs from `earlier` (a first version
    /// that was completed) is at its second version.
    fn saved(&mut self, fields: &Fields, earlier: &Fields, at: Timestamp, by: UserId) {
        for (field, value) in fields {
            let changed = earlier.get(field).is_some_and(|e| e != value);
            self.answers.push(BulkAnswer {
                report: tertial_domain::ReportId(0),
                field: field.clone(),
                value: value.clone(),
                version: if changed { 2 } else { 1 },
                updated_at: at,
                updated_by: by,
            });
        }
    }
}

impl RoundFigures {
    fn count(&mut self, report: &ReportRows) {
        match report.report.status {
            ReportStatus::NotStarted => self.not_started += 1,
            ReportStatus::Draft => self.drafts += 1,
            ReportStatus::Returned => self.returned += 1,
            ReportStatus::Approved => {
                self.approved += 1;
                self.handed_in += 1;
            }
            ReportStatus::Submitted => self.handed_in += 1,
        }
        self.versions += report.submissions.len();
        self.second_versions += usize::from(report.submissions.len() > 1);
        self.late += usize::from(report.submissions.last().is_some_and(|s| s.late));
        if !report.submissions.is_empty() {
            self.not_applicable += report.not_applicable;
        }
    }
}
