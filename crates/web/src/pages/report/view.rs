//! The report page: the form as fields, read-only views, and what a re-shown form adds.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tertial_app::{FieldEntry, FieldSaved, ReportAccess, ReportContext, ReportPage};
use tertial_domain::{
    Field, FieldValue, Question, ReportId, SaveOutcome, StoredField, SubmittedContent,
};

use super::super::{Chrome, path_id, render};
use super::kept::kept_texts;
use crate::error::WebError;
use crate::session::{self, SessionLeft, Signed};
use crate::{AppState, text, time};
use tertial_domain::insights::lix::Counts;

/// One field as the templates show it, in the form or read-only.
pub(super) struct FieldView {
    pub code: String,
    pub label: String,
    /// What messages call it: "Fråga 1.2", "Telefon".
    pub name: String,
    pub number: String,
    pub is_question: bool,
    pub help: Option<String>,
    pub text: String,
    pub not_applicable: bool,
    pub na_allowed: bool,
    pub version: i64,
    pub fingerprint: String,
    /// When the stored value was saved ("" if never).
    pub saved_at: String,
    pub error: Option<String>,
    pub conflict: Option<ConflictView>,
    pub multiline: bool,
    pub rows: u32,
    pub input_type: &'static str,
    pub autocomplete: &'static str,
    pub describedby: String,
    /// The coordinator's comment on this answer: heading and text.
    pub review_comment: Option<(String, String)>,
    /// What changed since version `diff_against`, word by word ("same", "del", "ins").
    pub diff: Vec<(&'static str, String)>,
    pub diff_against: i64,
    /// "Oförändrad sedan Tertialrapport 1 2027": the answer still holds what the round's
    /// opening copied from that round.
    pub unchanged: Option<String>,
    /// Shown but not to be filled in (a coordinator's preview of the form).
    pub disabled: bool,
    /// A gentle readability hint under an answer ("Läsbarhet: LIX 52 (svår). …"), empty
    /// until there is text; the form's script keeps it up to date while typing.
    pub lix_hint: String,
}

/// Someone else's newer text, shown beside the person's own.
pub(super) struct ConflictView {
    /// "Fråga 1.2 ändrades av någon annan medan du skrev."
    pub said: String,
    pub text: String,
    pub not_applicable: bool,
    pub at: String,
}

pub(super) struct SectionView {
    pub number: u32,
    pub heading: String,
    pub fields: Vec<FieldView>,
}

impl FieldView {
    fn new(field: &Field, label: String, value: &FieldValue, version: i64) -> FieldView {
        let (input_type, autocomplete, multiline) = match field {
            Field::ContactName => ("text", "name", false),
            Field::ContactPhone => ("tel", "tel", false),
            Field::ContactEmail => ("email", "email", false),
            Field::Answer(_) | Field::OtherInformation => ("text", "off", true),
        };
        FieldView {
            code: field.code().to_owned(),
            name: text::field_name(field, None),
            label,
            number: String::new(),
            is_question: field.is_answer(),
            help: None,
            text: value.text.clone(),
            not_applicable: value.not_applicable,
            na_allowed: false,
            version,
            fingerprint: value.fingerprint(),
            saved_at: String::new(),
            error: None,
            conflict: None,
            multiline,
            rows: if field.is_answer() { 8 } else { 4 },
            input_type,
            autocomplete,
            describedby: String::new(),
            review_comment: None,
            diff: Vec::new(),
            diff_against: 0,
            unchanged: None,
            disabled: false,
            lix_hint: String::new(),
        }
    }

    fn question(number: String, question: &Question, value: &FieldValue, version: i64) -> Self {
        let field = Field::Answer(question.key.clone());
        FieldView {
            name: text::field_name(&field, Some(&number)),
            number,
            help: question.help.clone(),
            na_allowed: question.not_applicable_allowed,
            lix_hint: if value.not_applicable {
                String::new()
            } else {
                tertial_documents::insights::hint(&Counts::of(&value.text)).unwrap_or_default()
            },
            ..FieldView::new(&field, question.text.clone(), value, version)
        }
    }

    fn stored(stored: &StoredField, label: &str) -> Self {
        FieldView::new(
            &stored.field,
            label.to_owned(),
            &stored.value,
            stored.version,
        )
    }

    /// Notes when the stored value shown was saved.
    fn saved(mut self, stored: &StoredField) -> Self {
        if stored.version > 0 {
            self.saved_at = time::date_time(stored.updated_at);
        }
        self
    }

    /// Links the hint, character count, conflict and error to the field for screen readers.
    fn finish(mut self) -> Self {
        let mut ids = Vec::new();
        if self.unchanged.is_some() {
            ids.push(format!("unchanged-{}", self.code));
        }
        if self.help.is_some() {
            ids.push(format!("hint-{}", self.code));
        }
        if self.review_comment.is_some() {
            ids.push(format!("review-{}", self.code));
        }
        if self.multiline {
            ids.push(format!("count-{}", self.code));
        }
        if self.conflict.is_some() {
            ids.push(format!("conflict-{}", self.code));
        }
        if self.error.is_some() {
            ids.push(format!("error-{}", self.code));
        }
        self.describedby = ids.join(" ");
        self
    }
}

/// The form as a body would get it, every field empty and disabled: its focus areas'
/// questions, the contact person and Övriga upplysningar (a coordinator's preview).
pub(super) fn blank_form(
    sections: Vec<(&tertial_domain::FocusArea, Vec<(String, &Question)>)>,
) -> (Vec<SectionView>, Vec<FieldView>, Vec<FieldView>) {
    let empty = FieldValue::default();
    let blank = |mut view: FieldView| {
        view.disabled = true;
        view.finish()
    };
    let sections = sections
        .into_iter()
        .map(|(area, questions)| SectionView {
            number: area.number,
            heading: format!("{}. {}", area.number, area.label),
            fields: questions
                .into_iter()
                .map(|(number, q)| blank(FieldView::question(number, q, &empty, 0)))
                .collect(),
        })
        .collect();
    let fixed = |field: Field| {
        blank(FieldView::new(
            &field,
            text::field_label(&field).to_owned(),
            &empty,
            0,
        ))
    };
    let contact = [Field::ContactName, Field::ContactPhone, Field::ContactEmail]
        .into_iter()
        .map(fixed)
        .collect();
    (sections, contact, vec![fixed(Field::OtherInformation)])
}

/// The contact person of a submission, field by field.
pub(super) fn contact_of(content: &SubmittedContent) -> [(Field, &str); 3] {
    [
        (Field::ContactName, content.contact.name.as_str()),
        (Field::ContactPhone, content.contact.phone.as_str()),
        (Field::ContactEmail, content.contact.email.as_str()),
    ]
}

/// What a re-rendered form adds: problems to fix, conflicts to resolve, a notice.
#[derive(Default)]
pub(super) struct Overlay {
    pub(super) status: StatusCode,
    pub(super) problems_title: &'static str,
    pub(super) problems: Vec<(Field, String)>,
    pub(super) conflicts: Vec<FieldSaved>,
    pub(super) notice: Option<String>,
    /// What was posted but not saved, shown instead of what is stored.
    pub(super) posted: Vec<FieldEntry>,
    /// What was posted and refused (the report can no longer be changed): the texts that
    /// differ from what is stored are shown apart, to copy.
    pub(super) refused: Vec<FieldEntry>,
}

#[derive(Template)]
#[template(path = "report.html")]
pub(super) struct ReportTemplate {
    pub(super) chrome: Chrome,
    pub(super) report_id: i64,
    pub(super) body_name: String,
    pub(super) round_name: String,
    pub(super) follow_up_title: String,
    pub(super) purpose: String,
    /// The introduction as the round froze it.
    pub(super) introduction: String,
    pub(super) status_code: &'static str,
    pub(super) status_label: &'static str,
    pub(super) deadline: String,
    pub(super) late: bool,
    pub(super) updated_at: Option<String>,
    pub(super) problems_title: &'static str,
    /// The id of the element each problem is about, and the problem.
    pub(super) problems: Vec<(String, String)>,
    pub(super) notice: Option<String>,
    pub(super) access_status_only: bool,
    pub(super) editable: bool,
    pub(super) csrf: String,
    pub(super) user_id: i64,
    /// The longest text accepted, for the script's character count.
    pub(super) max_chars: usize,
    /// For the script's warning before the session ends: seconds left, how many seconds
    /// before the end to warn, and the time its lifetime ends ("14.02").
    pub(super) session: SessionLeft,
    pub(super) session_warn: i64,
    pub(super) session_ends: String,
    /// The words the script shows, as JSON (see `text::script_json`).
    pub(super) script_text: String,
    pub(super) sections: Vec<SectionView>,
    pub(super) contact: Vec<FieldView>,
    pub(super) other: Vec<FieldView>,
    /// Posted texts that could not be stored (the report can no longer be changed):
    /// label and text, to copy.
    pub(super) unsaved: Vec<(String, String)>,
    /// Övriga upplysningar, for the read-only view.
    pub(super) other_information: String,
    /// Number, time, submitter, late.
    pub(super) submissions: Vec<(i64, String, String, bool)>,
    pub(super) round_closed: bool,
    /// For those who may not see the draft: the latest submitted version shown instead
    /// (its number and time), when there is one.
    pub(super) showing_version: Option<(i64, String)>,
    /// Returns, approvals and requests to reopen.
    pub(super) review: super::review::ReviewView,
}

pub(super) fn report_view(
    page: ReportPage,
    signed: &Signed,
    mut overlay: Overlay,
    app: &tertial_app::App,
) -> ReportTemplate {
    let settings = app.settings();
    let context = &page.context;
    let editable = page.access == ReportAccess::Edit;
    let refused = std::mem::take(&mut overlay.refused);
    let review = super::review::review_view(&page, signed.actor(), signed.csrf());
    let review_comments = if editable {
        super::review::form_comments(&page)
    } else {
        Default::default()
    };
    let mut numbers = std::collections::HashMap::new();
    let decorate = |mut view: FieldView, overlay: &Overlay| {
        if let Some((_, message)) = overlay.problems.iter().find(|(f, _)| f.code() == view.code) {
            view.error = Some(message.clone());
        }
        if let Some(entry) = overlay.posted.iter().find(|e| e.code == view.code) {
            // The form stays based on what it showed when it was posted, not on what is
            // stored now: saved again, an untouched field is left alone, and a field a
            // colleague changed meanwhile comes back as a conflict.
            view.text = entry.text.clone();
            view.not_applicable = entry.not_applicable;
            view.version = entry.base_version;
            view.fingerprint = entry.shown.clone().unwrap_or_default();
        }
        if let Some(conflict) = overlay
            .conflicts
            .iter()
            .find(|c| c.field.code() == view.code)
            && let SaveOutcome::Conflict(current) = &conflict.outcome
        {
            // The field keeps the person's own text, now based on the colleague's version:
            // saving it again keeps theirs deliberately.
            view.text = conflict.mine.text.clone();
            view.not_applicable = conflict.mine.not_applicable;
            view.version = current.version;
            view.fingerprint = current.value.fingerprint();
            view.conflict = Some(ConflictView {
                said: text::changed_meanwhile(&view.name),
                text: current.value.text.clone(),
                not_applicable: current.value.not_applicable,
                at: time::date_time(current.updated_at),
            });
        }
        view.finish()
    };
    let sections: Vec<SectionView> = page
        .sections
        .iter()
        .map(|s| SectionView {
            number: s.area.number,
            heading: format!("{}. {}", s.area.number, s.area.label),
            fields: s
                .questions
                .iter()
                .map(|q| {
                    numbers.insert(q.question.key.clone(), q.number.clone());
                    let mut view = FieldView::question(
                        q.number.clone(),
                        &q.question,
                        &q.answer.value,
                        q.answer.version,
                    )
                    .saved(&q.answer);
                    view.unchanged = page
                        .unchanged_since
                        .get(&q.answer.field)
                        .map(text::unchanged_since);
                    decorate(super::review::comment_on(view, &review_comments), &overlay)
                })
                .collect(),
        })
        .collect();
    let contact: Vec<FieldView> = [Field::ContactName, Field::ContactPhone, Field::ContactEmail]
        .iter()
        .map(|f| {
            let stored = page.fixed(f);
            decorate(
                FieldView::stored(&stored, text::field_label(f)).saved(&stored),
                &overlay,
            )
        })
        .collect();
    let other_field = page.fixed(&Field::OtherInformation);
    let other_information = other_field.value.text.clone();
    let other = vec![decorate(
        FieldView::stored(&other_field, text::field_label(&Field::OtherInformation))
            .saved(&other_field),
        &overlay,
    )];
    let mut problems: Vec<(String, String)> = overlay
        .problems
        .iter()
        .map(|(field, message)| (format!("field-{}", field.code()), message.clone()))
        .collect();
    for conflict in &overlay.conflicts {
        let number = match &conflict.field {
            Field::Answer(key) => numbers.get(key).map(String::as_str),
            _ => None,
        };
        let name = text::field_name(&conflict.field, number);
        problems.push((
            format!("field-{}", conflict.field.code()),
            format!(
                "{} {}",
                text::changed_meanwhile(&name),
                text::COMPARE_AND_SAVE_AGAIN
            ),
        ));
    }
    let mut view = ReportTemplate {
        chrome: Chrome::of(signed),
        report_id: context.report.id.0,
        body_name: context.body.name.clone(),
        round_name: text::round_name(&context.round),
        follow_up_title: context.follow_up.title.clone(),
        purpose: context.follow_up.purpose.clone(),
        introduction: context.follow_up.introduction.clone(),
        status_code: context.report.status.code(),
        status_label: text::report_status(context.report.status, context.round.status),
        round_closed: context.round.status == tertial_domain::RoundStatus::Closed,
        showing_version: None,
        review,
        deadline: time::date(context.round.deadline),
        late: editable && page.past_deadline,
        updated_at: context.report.updated_at.map(time::date_time),
        problems_title: overlay.problems_title,
        problems,
        notice: overlay.notice,
        access_status_only: page.access == ReportAccess::StatusOnly,
        editable,
        csrf: signed.csrf().to_owned(),
        user_id: signed.actor().id.0,
        max_chars: settings.max_answer_chars,
        session: signed.left(app),
        session_warn: session::warn_before(settings),
        session_ends: time::clock(app.session_ends(&signed.session).at_the_latest),
        script_text: if editable {
            text::script_json()
        } else {
            String::new()
        },
        sections,
        contact,
        other,
        other_information,
        unsaved: Vec::new(),
        submissions: page
            .submissions
            .iter()
            .map(|s| {
                (
                    s.number,
                    time::date_time(s.submitted_at),
                    s.submitted_by_name.clone(),
                    s.late,
                )
            })
            .collect(),
    };
    // Those who may not see the draft see what was last submitted, a public record.
    if page.access == ReportAccess::StatusOnly
        && let Some(latest) = page.submissions.last()
    {
        let content = &latest.content;
        view.sections = answer_sections(context, |question| submitted_answer(content, question));
        super::review::show_changes(&mut view.sections, &page);
        view.contact = contact_views(content);
        view.other_information = content.other_information.clone();
        view.showing_version = Some((latest.number, time::date_time(latest.submitted_at)));
    }
    view.unsaved = kept_texts(&view, &refused)
        .into_iter()
        .map(|k| (k.label, k.mine))
        .collect();
    view
}

#[derive(Deserialize)]
pub struct ShowQuery {
    sparat: Option<String>,
    /// A review action just done (see `review::done_notice`).
    klart: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<ShowQuery>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: ReportId = path_id(&id)?;
    let page = state.app.report_page(signed.actor(), id).await?;
    let notice = query
        .sparat
        .filter(|t| t.len() == 5 && t.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .map(|t| text::saved_at(&t))
        .or_else(|| {
            let done = query
                .klart
                .as_deref()
                .and_then(super::review::done_notice)?;
            Some(done.to_owned())
        });
    let view = report_view(
        page,
        &signed,
        Overlay {
            notice,
            ..Overlay::default()
        },
        &state.app,
    );
    render(StatusCode::OK, &view)
}

/// A question's answer in a submitted version.
pub(super) fn submitted_answer(content: &SubmittedContent, question: &Question) -> FieldValue {
    content
        .answer(&question.key)
        .map(|a| FieldValue {
            text: a.text.clone(),
            not_applicable: a.not_applicable,
        })
        .unwrap_or_default()
}

/// A submitted version's contact person, for a read-only view.
pub(super) fn contact_views(content: &SubmittedContent) -> Vec<FieldView> {
    contact_of(content)
        .iter()
        .map(|(f, v)| FieldView::new(f, text::field_label(f).to_owned(), &FieldValue::text(*v), 0))
        .collect()
}

/// The body's questions grouped by focus area, each with the answer `answer` gives.
pub(super) fn answer_sections(
    context: &ReportContext,
    answer: impl Fn(&Question) -> FieldValue,
) -> Vec<SectionView> {
    context
        .numbered_sections()
        .into_iter()
        .map(|(area, questions)| SectionView {
            number: area.number,
            heading: format!("{}. {}", area.number, area.label),
            fields: questions
                .into_iter()
                .map(|(number, q)| FieldView::question(number, q, &answer(q), 0))
                .collect(),
        })
        .collect()
}
