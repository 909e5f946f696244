//! Bodies and people from the browser (coordinators and administrators; the use cases
//! refuse everyone else), and the invitation link's page where a new account sets its
//! password (anyone holding the link).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use tertial_app::InvitationProblem;
use tertial_domain::people::{self, BodyFields, PersonFields, Problem};
use tertial_domain::{AuditSubject, Body, BodyId, BodyKind, Role, UserId};

use super::running::Choice;
use super::{Chrome, checked, ok, path_id, render};
use crate::error::WebError;
use crate::form::FormData;
use crate::serve::Peer;
use crate::session::{Signed, client_address};
use crate::{AppState, text, time};

/// Which notice a page shows after a change (`?klart=…`).
#[derive(Debug, serde::Deserialize)]
pub struct Done {
    klart: Option<String>,
}

impl Done {
    fn notice(&self) -> Option<&'static str> {
        Some(match self.klart.as_deref()? {
            "tillagt" => text::BODY_ADDED,
            "sparat" => text::CHANGES_SAVED,
            "inaktiverat" => text::BODY_DEACTIVATED,
            "aktiverat" => text::BODY_REACTIVATED,
            "inbjuden" => text::PERSON_INVITED,
            "person-inaktiverad" => text::PERSON_DEACTIVATED,
            "person-aktiverad" => text::PERSON_REACTIVATED,
            "ny-inbjudan" => text::REINVITED,
            "ingen-inbjudan" => text::NOT_REINVITED,
            _ => return None,
        })
    }
}

fn see_other(to: String) -> Response {
    Redirect::to(&to).into_response()
}

fn problem_list(problems: &[Problem]) -> Vec<(String, String)> {
    problems
        .iter()
        .map(|p| (p.field().to_owned(), text::people_problem(p).to_owned()))
        .collect()
}

pub(super) fn error_for<'a>(errors: &'a [(String, String)], id: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|(i, _)| i == id)
        .map(|(_, m)| m.as_str())
}

/// `active=0` or `active=1`, and nothing else.
pub(super) fn active_of(form: &FormData) -> Result<bool, WebError> {
    match form.get("active") {
        Some("1") => Ok(true),
        Some("0") => Ok(false),
        _ => Err(WebError::new(StatusCode::BAD_REQUEST, text::MALFORMED)),
    }
}

// ---- Bodies ----

pub struct BodyRow {
    pub id: i64,
    pub name: String,
    pub short_name: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub people: i64,
}

#[derive(Template)]
#[template(path = "bodies.html")]
struct BodiesPage {
    chrome: Chrome,
    notice: Option<&'static str>,
    rows: Vec<BodyRow>,
}

fn status(active: bool) -> &'static str {
    if active { text::ACTIVE } else { text::INACTIVE }
}

/// Every body.
pub async fn bodies(
    State(state): State<AppState>,
    signed: Signed,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let listings = state.app.body_listings(signed.actor()).await?;
    ok(&BodiesPage {
        chrome: Chrome::of(&signed),
        notice: done.notice(),
        rows: listings
            .into_iter()
            .map(|l| BodyRow {
                id: l.body.id.0,
                kind: text::body_kind(l.body.kind),
                status: status(l.body.active),
                name: l.body.name,
                short_name: l.body.short_name,
                people: l.people,
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "body_form.html")]
struct BodyPage {
    chrome: Chrome,
    heading: String,
    action: String,
    notice: Option<String>,
    errors: Vec<(String, String)>,
    name: String,
    short_name: String,
    kinds: Vec<Choice>,
    /// The body changed; `None` on the form for a new one.
    id: Option<i64>,
    active: bool,
}

impl BodyPage {
    fn error_for(&self, id: &str) -> Option<&str> {
        error_for(&self.errors, id)
    }

    /// The form for a new body (`body` None) or for changing one, with what was typed.
    fn new(signed: &Signed, body: Option<&Body>, typed: Option<&FormData>) -> BodyPage {
        let value = |name: &str, stored: Option<&str>| match typed {
            Some(form) => form.get(name).unwrap_or_default().to_owned(),
            None => stored.unwrap_or_default().to_owned(),
        };
        let kind = value("kind", body.map(|b| b.kind.code()));
        BodyPage {
            chrome: Chrome::of(signed),
            heading: body.map_or_else(|| "Lägg till organ".to_owned(), |b| b.name.clone()),
            action: body.map_or_else(|| "/organ/ny".to_owned(), |b| format!("/organ/{}", b.id)),
            notice: None,
            errors: Vec::new(),
            name: value("name", body.map(|b| b.name.as_str())),
            short_name: value("short_name", body.map(|b| b.short_name.as_str())),
            kinds: BodyKind::ALL
                .into_iter()
                .map(|k| Choice {
                    value: k.code().to_owned(),
                    label: text::body_kind(k).to_owned(),
                    selected: k.code() == kind,
                })
                .collect(),
            id: body.map(|b| b.id.0),
            active: body.is_none_or(|b| b.active),
        }
    }

    fn refused(mut self, errors: Vec<(String, String)>) -> Result<Response, WebError> {
        self.errors = errors;
        render(StatusCode::UNPROCESSABLE_ENTITY, &self)
    }
}

fn body_fields(form: &FormData) -> Result<BodyFields, Vec<Problem>> {
    let get = |name| form.get(name).unwrap_or_default();
    BodyFields::parse(get("name"), get("short_name"), get("kind"))
}

/// The form for a new body.
pub async fn new_body(State(state): State<AppState>, signed: Signed) -> Result<Response, WebError> {
    state.app.body_listings(signed.actor()).await?;
    ok(&BodyPage::new(&signed, None, None))
}

/// Adds a body.
pub async fn add_body(
    State(state): State<AppState>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    checked(&state, &signed, &form, AuditSubject::Bodies).await?;
    // Before the form is read: a refused body is shown on the form, which is theirs only.
    state
        .app
        .managing(signed.actor(), AuditSubject::Bodies)
        .await?;
    let page = BodyPage::new(&signed, None, Some(&form));
    let fields = match body_fields(&form) {
        Ok(fields) => fields,
        Err(problems) => return page.refused(problem_list(&problems)),
    };
    match state.app.add_body(signed.actor(), &fields).await? {
        Ok(_) => Ok(see_other("/organ?klart=tillagt".into())),
        Err(problems) => page.refused(problem_list(&problems)),
    }
}

/// One body's form.
pub async fn body(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let id: BodyId = path_id(&id)?;
    let body = state.app.managed_body(signed.actor(), id).await?;
    let mut page = BodyPage::new(&signed, Some(&body), None);
    page.notice = done.notice().map(str::to_owned);
    ok(&page)
}

/// Changes a body's name, short name and kind.
pub async fn change_body(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: BodyId = path_id(&id)?;
    checked(&state, &signed, &form, AuditSubject::Body(id)).await?;
    let body = state.app.managed_body(signed.actor(), id).await?;
    let page = BodyPage::new(&signed, Some(&body), Some(&form));
    let fields = match body_fields(&form) {
        Ok(fields) => fields,
        Err(problems) => return page.refused(problem_list(&problems)),
    };
    match state.app.change_body(signed.actor(), id, &fields).await? {
        Ok(()) => Ok(see_other(format!("/organ/{id}?klart=sparat"))),
        Err(problems) => page.refused(problem_list(&problems)),
    }
}

/// Deactivates or reactivates a body.
pub async fn set_body_active(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: BodyId = path_id(&id)?;
    checked(&state, &signed, &form, AuditSubject::Body(id)).await?;
    let active = active_of(&form)?;
    let body = state.app.managed_body(signed.actor(), id).await?;
    match state
        .app
        .set_body_active(signed.actor(), id, active)
        .await?
    {
        Ok(()) => {
            let done = if active { "aktiverat" } else { "inaktiverat" };
            Ok(see_other(format!("/organ/{id}?klart={done}")))
        }
        Err(round) => BodyPage::new(&signed, Some(&body), None).refused(vec![(
            "status-rubrik".to_owned(),
            text::body_in_open_round(&body.name, &round),
        )]),
    }
}

// ---- People ----

pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub bodies: String,
    pub status: &'static str,
    pub last_sign_in: String,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    chrome: Chrome,
    notice: Option<&'static str>,
    rows: Vec<PersonRow>,
}

/// Every account.
pub async fn people(
    State(state): State<AppState>,
    signed: Signed,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let (people, bodies) = state.app.people(signed.actor()).await?;
    let name_of = |id: &BodyId| {
        bodies
            .iter()
            .find(|b| b.id == *id)
            .map_or_else(String::new, |b| b.short_name.clone())
    };
    ok(&PeoplePage {
        chrome: Chrome::of(&signed),
        notice: done.notice(),
        rows: people
            .into_iter()
            .map(|p| PersonRow {
                id: p.id.0,
                role: text::role(p.role),
                bodies: p.bodies.iter().map(name_of).collect::<Vec<_>>().join(", "),
                status: status(p.active),
                last_sign_in: p
                    .last_sign_in_at
                    .map_or_else(|| text::NEVER_SIGNED_IN.to_owned(), time::date_time),
                name: p.name,
                email: p.email,
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "person_form.html")]
struct PersonPage {
    chrome: Chrome,
    heading: String,
    action: String,
    notice: Option<&'static str>,
    errors: Vec<(String, String)>,
    email: String,
    name: String,
    roles: Vec<Choice>,
    role_name: &'static str,
    bodies: Vec<Choice>,
    /// The account shown; `None` on the invitation form.
    id: Option<i64>,
    active: bool,
    has_password: bool,
    manageable: bool,
}

impl PersonPage {
    fn error_for(&self, id: &str) -> Option<&str> {
        error_for(&self.errors, id)
    }

    fn refused(mut self, errors: Vec<(String, String)>) -> Result<Response, WebError> {
        self.errors = errors;
        render(StatusCode::UNPROCESSABLE_ENTITY, &self)
    }
}

/// What the person form shows: stored values, or what was typed.
struct PersonValues {
    email: String,
    name: String,
    role: String,
    bodies: Vec<BodyId>,
}

impl PersonValues {
    fn typed(form: &FormData) -> PersonValues {
        let get = |name| form.get(name).unwrap_or_default().to_owned();
        PersonValues {
            email: get("email"),
            name: get("name"),
            role: get("role"),
            bodies: chosen_bodies(form),
        }
    }
}

fn chosen_bodies(form: &FormData) -> Vec<BodyId> {
    form.0
        .iter()
        .filter_map(|(name, _)| name.strip_prefix("body-")?.parse().ok().map(BodyId))
        .collect()
}

fn person_page(
    signed: &Signed,
    account: Option<&tertial_app::PersonPage>,
    bodies: &[Body],
    values: PersonValues,
) -> PersonPage {
    let actor = signed.actor();
    let person = account.map(|a| &a.person);
    PersonPage {
        chrome: Chrome::of(signed),
        heading: person.map_or_else(|| "Bjud in".to_owned(), |p| p.name.clone()),
        action: person.map_or_else(
            || "/personer/ny".to_owned(),
            |p| format!("/personer/{}", p.id),
        ),
        notice: None,
        errors: Vec::new(),
        roles: Role::ALL
            .into_iter()
            .filter(|r| actor.may_grant(*r))
            .map(|r| Choice {
                value: r.code().to_owned(),
                label: text::role(r).to_owned(),
                selected: r.code() == values.role,
            })
            .collect(),
        role_name: person.map_or("", |p| text::role(p.role)),
        bodies: bodies
            .iter()
            .filter(|b| b.active || values.bodies.contains(&b.id))
            .map(|b| Choice {
                value: b.id.0.to_string(),
                label: b.name.clone(),
                selected: values.bodies.contains(&b.id),
            })
            .collect(),
        email: values.email,
        name: values.name,
        id: person.map(|p| p.id.0),
        active: person.is_none_or(|p| p.active),
        has_password: person.is_some_and(|p| p.has_password),
        manageable: account.is_none_or(|a| a.manageable),
    }
}

fn person_fields(form: &FormData) -> Result<PersonFields, Vec<Problem>> {
    let get = |name| form.get(name).unwrap_or_default();
    PersonFields::parse(get("name"), get("role"), &chosen_bodies(form))
}

/// The invitation form.
pub async fn new_person(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Response, WebError> {
    let (_, bodies) = state.app.people(signed.actor()).await?;
    let values = PersonValues::typed(&FormData::default());
    ok(&person_page(&signed, None, &bodies, values))
}

/// Invites a person: the account is created without a password and mailed a link.
pub async fn invite(
    State(state): State<AppState>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    checked(&state, &signed, &form, AuditSubject::People).await?;
    let (_, bodies) = state.app.people(signed.actor()).await?;
    let page = person_page(&signed, None, &bodies, PersonValues::typed(&form));
    let email = people::email(form.get("email").unwrap_or_default());
    let (email, fields) = match (email, person_fields(&form)) {
        (Ok(email), Ok(fields)) => (email, fields),
        (email, fields) => {
            let mut problems: Vec<Problem> = email.err().into_iter().collect();
            problems.extend(fields.err().unwrap_or_default());
            return page.refused(problem_list(&problems));
        }
    };
    match state.app.invite(signed.actor(), &email, &fields).await? {
        Ok(_) => Ok(see_other("/personer?klart=inbjuden".into())),
        Err(problems) => page.refused(problem_list(&problems)),
    }
}

async fn person_of(
    state: &AppState,
    signed: &Signed,
    id: UserId,
    typed: Option<&FormData>,
) -> Result<PersonPage, WebError> {
    let account = state.app.person(signed.actor(), id).await?;
    let values = match typed {
        Some(form) => PersonValues {
            email: account.person.email.clone(),
            ..PersonValues::typed(form)
        },
        None => PersonValues {
            email: account.person.email.clone(),
            name: account.person.name.clone(),
            role: account.person.role.code().to_owned(),
            bodies: account.person.bodies.clone(),
        },
    };
    Ok(person_page(signed, Some(&account), &account.bodies, values))
}

/// One person's page.
pub async fn person(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let id: UserId = path_id(&id)?;
    let mut page = person_of(&state, &signed, id, None).await?;
    page.notice = done.notice();
    ok(&page)
}

/// Changes a person's name, role and bodies.
pub async fn change_person(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: UserId = path_id(&id)?;
    checked(&state, &signed, &form, AuditSubject::User(id)).await?;
    let page = person_of(&state, &signed, id, Some(&form)).await?;
    let fields = match person_fields(&form) {
        Ok(fields) => fields,
        Err(problems) => return page.refused(problem_list(&problems)),
    };
    match state.app.change_person(signed.actor(), id, &fields).await? {
        Ok(()) => Ok(see_other(format!("/personer/{id}?klart=sparat"))),
        Err(problems) => page.refused(problem_list(&problems)),
    }
}

/// Deactivates or reactivates an account.
pub async fn set_person_active(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: UserId = path_id(&id)?;
    checked(&state, &signed, &form, AuditSubject::User(id)).await?;
    let active = active_of(&form)?;
    match state
        .app
        .set_person_active(signed.actor(), id, active)
        .await?
    {
        Ok(()) => {
            let done = if active {
                "person-aktiverad"
            } else {
                "person-inaktiverad"
            };
            Ok(see_other(format!("/personer/{id}?klart={done}")))
        }
        Err(problem) => {
            let page = person_of(&state, &signed, id, None).await?;
            page.refused(vec![(
                "status-rubrik".to_owned(),
                text::people_problem(&problem).to_owned(),
            )])
        }
    }
}

/// "Skicka ny inbjudan": for an account that has never set a password.
pub async fn reinvite(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: UserId = path_id(&id)?;
    checked(&state, &signed, &form, AuditSubject::User(id)).await?;
    if form.get("send") != Some("1") {
        return Err(WebError::new(StatusCode::BAD_REQUEST, text::MALFORMED));
    }
    let done = if state.app.reinvite(signed.actor(), id).await? {
        "ny-inbjudan"
    } else {
        "ingen-inbjudan"
    };
    Ok(see_other(format!("/personer/{id}?klart={done}")))
}

// ---- The invitation's link ----

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    chrome: Chrome,
    errors: Vec<(String, String)>,
    token: String,
    name: String,
    email: String,
    min_chars: usize,
}

impl InvitationPage {
    fn error_for(&self, id: &str) -> Option<&str> {
        error_for(&self.errors, id)
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    chrome: Chrome,
    title: &'static str,
    paragraphs: Vec<&'static str>,
}

/// The one page for every link that does not work, whether or not an account exists.
fn not_valid() -> Result<Response, WebError> {
    render(
        StatusCode::NOT_FOUND,
        &MessagePage {
            chrome: Chrome::anonymous(),
            title: text::INVITATION_NOT_VALID_TITLE,
            paragraphs: vec![text::INVITATION_NOT_VALID],
        },
    )
}

/// A token as it may appear in a link: 64 hex digits. Anything else is not looked up.
fn token_of(raw: &str) -> Option<&str> {
    (raw.len() == 64 && raw.bytes().all(|b| b.is_ascii_hexdigit())).then_some(raw)
}

/// The page an invitation's link opens: choose a password.
pub async fn invitation(
    State(state): State<AppState>,
    Path(token): Path<String>,
    peer: Option<axum::extract::Extension<Peer>>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let client = client_address(&headers, peer.map(|p| p.0), &state.settings);
    let Some(token) = token_of(&token) else {
        return not_valid();
    };
    match state.app.invitation(token, client).await? {
        Ok((name, email)) => ok(&InvitationPage {
            chrome: Chrome::anonymous(),
            errors: Vec::new(),
            token: token.to_owned(),
            name,
            email,
            min_chars: tertial_app::users::MIN_PASSWORD_CHARS,
        }),
        Err(_) => not_valid(),
    }
}

/// Sets the password through the link, then sends the person to sign in.
pub async fn accept_invitation(
    State(state): State<AppState>,
    Path(token): Path<String>,
    peer: Option<axum::extract::Extension<Peer>>,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, WebError> {
    let client = client_address(&headers, peer.map(|p| p.0), &state.settings);
    let Some(token) = token_of(&token) else {
        return not_valid();
    };
    let password = form.get("password").unwrap_or_default();
    let again = form.get("again").unwrap_or_default();
    let problem = match state
        .app
        .accept_invitation(token, password, again, client)
        .await?
    {
        Ok(()) => return Ok(see_other("/logga-in?losenord=1".into())),
        Err(InvitationProblem::NotValid) => return not_valid(),
        Err(problem) => problem,
    };
    let Ok((name, email)) = state.app.invitation(token, client).await? else {
        return not_valid();
    };
    let field = match problem {
        InvitationProblem::PasswordsDiffer => "again",
        _ => "password",
    };
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &InvitationPage {
            chrome: Chrome::anonymous(),
            errors: vec![(field.to_owned(), text::invitation_problem(problem))],
            token: token.to_owned(),
            name,
            email,
            min_chars: tertial_app::users::MIN_PASSWORD_CHARS,
        },
    )
}
