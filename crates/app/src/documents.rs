//! Documents: what was submitted, as a file to keep or to paste into a compiled report.
//! Each format is written by `tertial-documents` from one format-neutral model.

use tertial_documents::{
    DocumentAnswer, DocumentFile, DocumentSection, Format, SubmissionDocument, markdown, swedish,
};
use tertial_domain::{Actor, ReportId, Submission};

use crate::reports::{Reading, ReportContext};
use crate::{App, AppError, Result};

impl App {
    /// A submitted version as a file in `format` (Word, PDF and Excel write it as a compiled
    /// report of one body), for the body and for coordinators. Downloading it is recorded
    /// in the audit log.
    pub async fn submission_file(
        &self,
        actor: &Actor,
        id: ReportId,
        number: i64,
        format: Format,
    ) -> Result<DocumentFile> {
        let (context, submission) = self
            .read_submission(actor, id, number, Reading::Download)
            .await?;
        let round = &context.round;
        let filename = format!(
            "{}-{}-{}-version-{number}.{}",
            context.body.short_name,
            round.period.code(),
            round.year,
            format.code()
        );
        let document = submission_document(&context, &submission);
        let bytes = match format {
            Format::Markdown => markdown::submission(&document).into_bytes(),
            format => {
                let organisation = self.settings.organisation.clone().unwrap_or_default();
                let report = document.compiled(&organisation, self.now());
                tokio::task::spawn_blocking(move || format.bytes(&report))
                    .await
                    .map_err(|e| AppError::Internal(e.to_string()))?
                    .map_err(|e| AppError::Internal(format!("writing a submission: {e}")))?
            }
        };
        Ok(DocumentFile {
            filename: swedish::ascii_filename(&filename),
            media_type: format.media_type(),
            bytes,
        })
    }
}

/// The format-neutral model of one submitted version.
fn submission_document(context: &ReportContext, submission: &Submission) -> SubmissionDocument {
    let content = &submission.content;
    let contact = &content.contact;
    SubmissionDocument {
        title: context.follow_up.title.clone(),
        body: context.body.name.clone(),
        round: swedish::round_name(&context.round),
        version: submission.number,
        submitted_at: swedish::date_time(submission.submitted_at),
        submitted_by: submission.submitted_by_name.clone(),
        sections: context
            .numbered_sections()
            .into_iter()
            .map(|(area, questions)| DocumentSection {
                heading: format!("{}. {}", area.number, area.label),
                answers: questions
                    .into_iter()
                    .map(|(number, question)| {
                        let answer = content.answer(&question.key);
                        DocumentAnswer {
                            number,
                            question: question.text.clone(),
                            text: answer.map(|a| a.text.clone()).unwrap_or_default(),
                            not_applicable: answer.is_some_and(|a| a.not_applicable),
                        }
                    })
                    .collect(),
            })
            .collect(),
        contact: [
            (swedish::CONTACT_NAME, &contact.name),
            (swedish::CONTACT_PHONE, &contact.phone),
            (swedish::CONTACT_EMAIL, &contact.email),
        ]
        .map(|(label, value)| (label.to_owned(), value.clone()))
        .to_vec(),
        other_information: content.other_information.clone(),
    }
}
