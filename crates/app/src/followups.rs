//! Writing follow-ups: the coordinator's texts, focus areas and questions. Rounds opened
//! earlier keep what they froze when they opened; every change here applies from the next
//! round opened. Each change is audited in its own transaction.

use tertial_domain::{
    Actor, AuditAction, AuditSubject, Body, BodyId, FocusArea, FollowUp, FollowUpId, FollowUpText,
    NewAuditEntry, QuestionDraft, QuestionKey,
};
use tertial_store::{Edit, EditableQuestion};

use crate::{App, AppError, Result};

/// A follow-up with everything its editor shows.
#[derive(Debug, Clone)]
pub struct FollowUpEditor {
    pub follow_up: FollowUp,
    pub focus_areas: Vec<FocusArea>,
    /// Every question, retired ones too, in form order.
    pub questions: Vec<EditableQuestion>,
    /// The active bodies, which single questions may be asked of.
    pub bodies: Vec<Body>,
}

impl FollowUpEditor {
    pub fn question(&self, key: &QuestionKey) -> Option<&EditableQuestion> {
        self.questions.iter().find(|q| &q.question.key == key)
    }
}

/// Why an edit was refused. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditProblem {
    /// Another follow-up has the title.
    TitleTaken,
    /// Another focus area of the follow-up has the number.
    NumberTaken,
    /// Another focus area of the follow-up has the official name.
    NameTaken,
    /// The question's focus area does not exist.
    UnknownFocusArea,
    /// A chosen body is unknown or no longer active.
    UnknownBody(BodyId),
    /// Neither a kind of body nor a single body answers the question.
    NoBodies,
    /// Someone else changed the question since the form was opened.
    Stale,
}

impl App {
    async fn may_write_follow_ups(&self, actor: &Actor, subject: AuditSubject) -> Result<()> {
        if actor.writes_follow_ups() {
            Ok(())
        } else {
            Err(self.forbidden(actor, subject).await)
        }
    }

    /// Every follow-up, for the coordinator's list.
    pub async fn follow_up_list(&self, actor: &Actor) -> Result<Vec<FollowUp>> {
        self.may_write_follow_ups(actor, AuditSubject::FollowUps)
            .await?;
        Ok(self.store.follow_ups().await?)
    }

    pub async fn create_follow_up(
        &self,
        actor: &Actor,
        text: &FollowUpText,
    ) -> Result<Result<FollowUpId, EditProblem>> {
        self.may_write_follow_ups(actor, AuditSubject::FollowUps)
            .await?;
        let by = actor.id;
        let created = self
            .store
            .create_follow_up(text, self.now(), |id| {
                NewAuditEntry::new(
                    Some(by),
                    AuditAction::FollowUpCreated,
                    AuditSubject::FollowUp(id),
                )
            })
            .await?;
        Ok(created.ok_or(EditProblem::TitleTaken))
    }

    /// A follow-up with its focus areas, questions and the bodies that may answer them.
    pub async fn follow_up_editor(&self, actor: &Actor, id: FollowUpId) -> Result<FollowUpEditor> {
        self.may_write_follow_ups(actor, AuditSubject::FollowUp(id))
            .await?;
        let follow_up = self.store.follow_up(id).await?.ok_or(AppError::NotFound)?;
        Ok(FollowUpEditor {
            follow_up,
            focus_areas: self.store.focus_areas(id).await?,
            questions: self.store.editable_questions(id).await?,
            bodies: self
                .store
                .bodies()
                .await?
                .into_iter()
                .filter(|b| b.active)
                .collect(),
        })
    }

    pub async fn update_follow_up(
        &self,
        actor: &Actor,
        id: FollowUpId,
        text: &FollowUpText,
    ) -> Result<Result<(), EditProblem>> {
        self.may_write_follow_ups(actor, AuditSubject::FollowUp(id))
            .await?;
        let entry = self.entry(actor, AuditAction::FollowUpChanged, id, String::new());
        let edit = self
            .store
            .update_follow_up(id, text, self.now(), &entry)
            .await?;
        outcome(edit, EditProblem::TitleTaken)
    }

    /// Adds a focus area; `number` is its place in the form.
    pub async fn add_focus_area(
        &self,
        actor: &Actor,
        id: FollowUpId,
        area: &FocusArea,
    ) -> Result<Result<(), EditProblem>> {
        let editor = self.follow_up_editor(actor, id).await?;
        if let Some(problem) = area_clash(&editor.focus_areas, None, area) {
            return Ok(Err(problem));
        }
        let entry = self.entry(
            actor,
            AuditAction::FocusAreaAdded,
            id,
            format!("number={}", area.number),
        );
        let edit = self
            .store
            .add_focus_area(id, area, self.now(), &entry)
            .await?;
        outcome(edit, EditProblem::NumberTaken)
    }

    /// Changes focus area `number`: its names, or its number (which moves it, and its
    /// questions with it).
    pub async fn update_focus_area(
        &self,
        actor: &Actor,
        id: FollowUpId,
        number: u32,
        area: &FocusArea,
    ) -> Result<Result<(), EditProblem>> {
        let editor = self.follow_up_editor(actor, id).await?;
        if !editor.focus_areas.iter().any(|a| a.number == number) {
            return Err(AppError::NotFound);
        }
        if let Some(problem) = area_clash(&editor.focus_areas, Some(number), area) {
            return Ok(Err(problem));
        }
        let entry = self.entry(
            actor,
            AuditAction::FocusAreaChanged,
            id,
            format!("number={} was={number}", area.number),
        );
        let edit = self
            .store
            .update_focus_area(id, number, area, self.now(), &entry)
            .await?;
        outcome(edit, EditProblem::NumberTaken)
    }

    /// Adds a question; its key is made from its text, unique in the follow-up, and
    /// never changes.
    pub async fn add_question(
        &self,
        actor: &Actor,
        id: FollowUpId,
        draft: &QuestionDraft,
    ) -> Result<Result<QuestionKey, EditProblem>> {
        let editor = self.follow_up_editor(actor, id).await?;
        if let Some(problem) = question_problem(&editor, draft) {
            return Ok(Err(problem));
        }
        let taken: Vec<QuestionKey> = editor
            .questions
            .iter()
            .map(|q| q.question.key.clone())
            .collect();
        let question = draft.with_key(QuestionKey::from_text(&draft.text, &taken));
        let entry = self.entry(
            actor,
            AuditAction::QuestionAdded,
            id,
            format!("key={}", question.key),
        );
        let edit = self
            .store
            .add_question(id, &question, self.now(), &entry)
            .await?;
        // A key taken between the read and the write: someone added the same text.
        outcome(edit, EditProblem::Stale).map(|done| done.map(|()| question.key))
    }

    /// Changes question `key`, if it is still at `version` (the one the form showed).
    pub async fn update_question(
        &self,
        actor: &Actor,
        id: FollowUpId,
        key: &QuestionKey,
        version: i64,
        draft: &QuestionDraft,
    ) -> Result<Result<(), EditProblem>> {
        let editor = self.follow_up_editor(actor, id).await?;
        if editor.question(key).is_none() {
            return Err(AppError::NotFound);
        }
        if let Some(problem) = question_problem(&editor, draft) {
            return Ok(Err(problem));
        }
        let entry = self.entry(
            actor,
            AuditAction::QuestionChanged,
            id,
            format!("key={key} version={}", version + 1),
        );
        let edit = self
            .store
            .update_question(
                id,
                version,
                &draft.with_key(key.clone()),
                self.now(),
                &entry,
            )
            .await?;
        outcome(edit, EditProblem::Stale)
    }

    /// Retires question `key` (rounds opened later do not ask it) or restores it.
    pub async fn retire_question(
        &self,
        actor: &Actor,
        id: FollowUpId,
        key: &QuestionKey,
        retired: bool,
    ) -> Result<()> {
        self.may_write_follow_ups(actor, AuditSubject::FollowUp(id))
            .await?;
        let action = if retired {
            AuditAction::QuestionRetired
        } else {
            AuditAction::QuestionRestored
        };
        let entry = self.entry(actor, action, id, format!("key={key}"));
        // Already so (a form sent twice) is no error: the question is as asked.
        match self
            .store
            .set_question_retired(id, key, retired, self.now(), &entry)
            .await?
        {
            Edit::Done | Edit::Duplicate => Ok(()),
            Edit::Missing => {
                let editor = self.follow_up_editor(actor, id).await?;
                editor.question(key).map(|_| ()).ok_or(AppError::NotFound)
            }
        }
    }

    /// The follow-up as `body` would be asked it in the next round opened, with the body.
    pub async fn follow_up_preview(
        &self,
        actor: &Actor,
        id: FollowUpId,
        body: BodyId,
    ) -> Result<(FollowUpEditor, Body)> {
        let editor = self.follow_up_editor(actor, id).await?;
        let body = editor
            .bodies
            .iter()
            .find(|b| b.id == body)
            .cloned()
            .ok_or(AppError::NotFound)?;
        Ok((editor, body))
    }

    fn entry(
        &self,
        actor: &Actor,
        action: AuditAction,
        id: FollowUpId,
        detail: String,
    ) -> NewAuditEntry {
        NewAuditEntry::new(Some(actor.id), action, AuditSubject::FollowUp(id)).with_detail(detail)
    }
}

/// An edit's outcome: a uniqueness rule broken becomes `taken`; nothing to change, not found.
fn outcome(edit: Edit, taken: EditProblem) -> Result<Result<(), EditProblem>> {
    match edit {
        Edit::Done => Ok(Ok(())),
        Edit::Duplicate => Ok(Err(taken)),
        Edit::Missing if taken == EditProblem::Stale => Ok(Err(EditProblem::Stale)),
        Edit::Missing => Err(AppError::NotFound),
    }
}

/// Whether `area` clashes with another focus area (all but the one numbered `except`).
fn area_clash(areas: &[FocusArea], except: Option<u32>, area: &FocusArea) -> Option<EditProblem> {
    let others = || areas.iter().filter(|a| Some(a.number) != except);
    if others().any(|a| a.number == area.number) {
        Some(EditProblem::NumberTaken)
    } else if others().any(|a| a.official_name == area.official_name) {
        Some(EditProblem::NameTaken)
    } else {
        None
    }
}

/// What is wrong with a question as asked, against its follow-up.
fn question_problem(editor: &FollowUpEditor, draft: &QuestionDraft) -> Option<EditProblem> {
    if !editor
        .focus_areas
        .iter()
        .any(|a| a.number == draft.focus_area)
    {
        return Some(EditProblem::UnknownFocusArea);
    }
    if let Some(unknown) = draft
        .bodies
        .iter()
        .find(|id| !editor.bodies.iter().any(|b| b.id == **id))
    {
        return Some(EditProblem::UnknownBody(*unknown));
    }
    (!draft.has_bodies()).then_some(EditProblem::NoBodies)
}
