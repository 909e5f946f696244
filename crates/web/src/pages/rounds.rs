//! The coordinator's view: rounds, and every body's status in one.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use tertial_domain::{ReportStatus, RoundId, RoundStatus};

use super::{Chrome, ok, path_id};
use crate::error::WebError;
use crate::session::Signed;
use crate::{AppState, text, time};

pub struct RoundRow {
    pub id: i64,
    pub name: String,
    pub follow_up: String,
    pub status: &'static str,
    pub deadline: String,
    pub submitted: usize,
    pub reports: usize,
}

#[derive(Template)]
#[template(path = "rounds.html")]
struct RoundsPage {
    chrome: Chrome,
    rows: Vec<RoundRow>,
}

pub async fn list(State(state): State<AppState>, signed: Signed) -> Result<Response, WebError> {
    let rows = state
        .app
        .rounds(signed.actor())
        .await?
        .into_iter()
        .map(|l| RoundRow {
            id: l.round.id.0,
            name: text::round_name(&l.round),
            follow_up: l.follow_up.title,
            status: text::round_status(l.round.status),
            deadline: l.round.deadline.to_string(),
            submitted: l.submitted,
            reports: l.reports,
        })
        .collect();
    ok(&RoundsPage {
        chrome: Chrome::of(&signed),
        rows,
    })
}

pub struct BodyRow {
    pub id: i64,
    pub body_id: i64,
    pub body: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub deadline: String,
    /// The body has a deadline of its own.
    pub own_deadline: bool,
    pub overdue: bool,
    pub updated: String,
    pub submitted: String,
}

/// A status with how many reports have it, as a link that filters the list.
pub struct StatusCount {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
    pub current: bool,
}

pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "round.html")]
struct RoundPage {
    chrome: Chrome,
    id: i64,
    name: String,
    follow_up: String,
    status: &'static str,
    open: bool,
    deadline: String,
    submitted: usize,
    total: usize,
    overdue: usize,
    counts: Vec<StatusCount>,
    statuses: Vec<Choice>,
    sorts: Vec<Choice>,
    /// The filter and sort as a query string, for the status links to keep the sort.
    sort: &'static str,
    notice: Option<&'static str>,
    rows: Vec<BodyRow>,
    /// The follow-up's round before this one, which each body's answers are compared with.
    previous: Option<String>,
}

/// The dashboard's plain GET parameters.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DashboardQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    sortera: String,
    #[serde(default)]
    oppnad: Option<String>,
    #[serde(default)]
    andrad: Option<String>,
    #[serde(default)]
    stangd: Option<String>,
}

const SORTS: [(&str, &str); 3] = [
    ("namn", "Namn"),
    ("status", "Status"),
    ("andrad", "Senast ändrad"),
];

/// A round's dashboard: every body's status, counted, filtered and sorted as asked; the
/// round's own actions. One query for the reports however many bodies there are.
pub async fn overview(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<DashboardQuery>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: RoundId = path_id(&id)?;
    let overview = state.app.round_overview(signed.actor(), id).await?;
    let filter = ReportStatus::from_code(&query.status).ok();
    let sort = SORTS
        .iter()
        .map(|(code, _)| *code)
        .find(|c| *c == query.sortera)
        .unwrap_or("namn");
    let counts = ReportStatus::ALL
        .into_iter()
        .map(|status| StatusCount {
            code: status.code(),
            name: text::status_name(status),
            count: overview
                .reports
                .iter()
                .filter(|o| o.report.status == status)
                .count(),
            current: filter == Some(status),
        })
        .collect();
    let mut shown: Vec<&tertial_app::ReportOverview> = overview
        .reports
        .iter()
        .filter(|o| filter.is_none_or(|f| o.report.status == f))
        .collect();
    let rank = |s: ReportStatus| ReportStatus::ALL.iter().position(|x| *x == s);
    match sort {
        "status" => shown.sort_by(|a, b| {
            rank(a.report.status)
                .cmp(&rank(b.report.status))
                .then_with(|| a.body.name.cmp(&b.body.name))
        }),
        // Latest change first; never changed last.
        "andrad" => shown.sort_by(|a, b| {
            b.report
                .updated_at
                .cmp(&a.report.updated_at)
                .then_with(|| a.body.name.cmp(&b.body.name))
        }),
        _ => shown.sort_by(|a, b| a.body.name.cmp(&b.body.name)),
    }
    let dash = || "–".to_owned();
    // Most bodies share the round's deadline: it is written out once.
    let round_deadline = time::date(overview.round.deadline);
    let rows: Vec<BodyRow> = shown
        .iter()
        .map(|o| BodyRow {
            id: o.report.id.0,
            body_id: o.body.id.0,
            body: o.body.name.clone(),
            status: text::report_status(o.report.status, overview.round.status),
            status_code: o.report.status.code(),
            deadline: o
                .deadline
                .map_or_else(|| round_deadline.clone(), time::date),
            own_deadline: o.deadline.is_some(),
            overdue: overview.round.status == RoundStatus::Open && overview.overdue(o),
            updated: o
                .report
                .updated_at
                .map(time::date_time)
                .unwrap_or_else(dash),
            submitted: o
                .report
                .submitted_at
                .map(time::date_time)
                .unwrap_or_else(dash),
        })
        .collect();
    let notice = if query.oppnad.is_some() {
        Some(text::ROUND_OPENED)
    } else if query.andrad.is_some() {
        Some(text::DEADLINE_CHANGED)
    } else if query.stangd.is_some() {
        Some(text::ROUND_CLOSED)
    } else {
        None
    };
    ok(&RoundPage {
        chrome: Chrome::of(&signed),
        id: id.0,
        name: text::round_name(&overview.round),
        follow_up: overview.follow_up.title.clone(),
        status: text::round_status(overview.round.status),
        open: overview.round.status == RoundStatus::Open,
        deadline: round_deadline,
        submitted: overview
            .reports
            .iter()
            .filter(|o| tertial_domain::workflow::handed_in(o.report.status))
            .count(),
        total: overview.reports.len(),
        overdue: if overview.round.status == RoundStatus::Open {
            overview
                .reports
                .iter()
                .filter(|o| overview.overdue(o))
                .count()
        } else {
            0
        },
        counts,
        statuses: std::iter::once(Choice {
            value: "",
            label: "Alla",
            selected: filter.is_none(),
        })
        .chain(ReportStatus::ALL.into_iter().map(|s| Choice {
            value: s.code(),
            label: text::status_name(s),
            selected: filter == Some(s),
        }))
        .collect(),
        sorts: SORTS
            .iter()
            .map(|(value, label)| Choice {
                value,
                label,
                selected: *value == sort,
            })
            .collect(),
        sort,
        notice,
        rows,
        previous: overview.previous.as_ref().map(text::round_name),
    })
}
