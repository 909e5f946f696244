//! Full-text search over submitted answers. Each submitted version's answers (and its
//! "Övriga upplysningar") are analysed in Rust ([`tertial_domain::analysis`]) when the version
//! is submitted, in the same transaction, and their stems stored: in an FTS5 table on SQLite,
//! in a GIN-indexed `tsvector` on PostgreSQL, so that both find the same entries.
//!
//! This is the one place where the two backends get different SQL for the same question:
//! the match itself (`search_index MATCH …` against `document @@ …::tsquery`). Everything
//! else, permissions included, is the same text. Permissions are part of the query (never a
//! filter after fetching): see [`scope_condition`]. Drafts are never indexed; a reporter's
//! own drafts are searched without the index ([`Store::search_drafts`]), so autosave does no
//! indexing at all.

use std::collections::HashMap;

use futures_util::TryStreamExt;
use sqlx::Row;
use tertial_domain::analysis::{QueryTerm, SearchQuery, index_text};
use tertial_domain::{
    BodyId, BodyKind, Field, QuestionKey, ReportId, RoundId, SearchAccess, SearchScope,
    SubmittedContent, Timestamp,
};

use crate::{Backend, Result, Store, corrupt, millis};

/// What a search is narrowed to (every part optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilters {
    pub round: Option<RoundId>,
    pub body: Option<BodyId>,
    pub body_kind: Option<BodyKind>,
    pub focus_area: Option<u32>,
    pub question: Option<QuestionKey>,
}

/// A submitted answer (or a draft's) that a search found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    /// The index entry (`None` for a draft, which is not indexed); hits come newest entry
    /// first, and a page goes on after the last one's id.
    pub entry: Option<i64>,
    pub report: ReportId,
    /// The submitted version; `None` for the draft.
    pub number: Option<i64>,
    pub round: RoundId,
    pub body: BodyId,
    pub body_name: String,
    /// A question's key, or "other_information".
    pub field: String,
    /// The answer's text as submitted (or as saved, for a draft).
    pub text: String,
    /// For a reader: the published version of the round's report that holds this text.
    pub publication: Option<i64>,
}

/// An index entry's place, as [`index_version`] is given it.
struct Version<'a> {
    report: ReportId,
    number: i64,
    submitted_at: Timestamp,
    content: &'a SubmittedContent,
}

/// Indexes a submitted version inside the submission's transaction: its answers and its
/// "Övriga upplysningar", and marks the report's earlier versions as superseded. Indexing
/// a version twice (two servers catching up at once) adds nothing the second time.
pub(crate) async fn index_submission(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    report: ReportId,
    number: i64,
    submitted_at: Timestamp,
    content: &SubmittedContent,
) -> Result<()> {
    let version = Version {
        report,
        number,
        submitted_at,
        content,
    };
    index_version(conn, backend, &version).await
}

async fn index_version(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    version: &Version<'_>,
) -> Result<()> {
    let at = millis(version.submitted_at);
    sqlx::query(
        "UPDATE search_entries SET superseded_at = $1
         WHERE report_id = $2 AND number < $3 AND superseded_at IS NULL",
    )
    .bind(at)
    .bind(version.report.0)
    .bind(version.number)
    .execute(&mut *conn)
    .await?;
    let (round, body): (i64, i64) =
        sqlx::query_as("SELECT round_id, body_id FROM reports WHERE id = $1")
            .bind(version.report.0)
            .fetch_one(&mut *conn)
            .await?;
    // A version indexed late (after an upgrade) may already have a successor.
    let superseded: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(submitted_at) FROM submissions WHERE report_id = $1 AND number > $2",
    )
    .bind(version.report.0)
    .bind(version.number)
    .fetch_one(&mut *conn)
    .await?;
    let other = Field::OtherInformation;
    let fields = version
        .content
        .answers
        .iter()
        .map(|a| (a.key.as_str(), a.text.as_str()))
        .chain([(other.code(), version.content.other_information.as_str())]);
    // One statement for the entries and one for their text, however many answers: a
    // statement's round trip costs more than its rows.
    let fields: Vec<(&str, &str)> = fields.collect();
    let mut params = Params { values: Vec::new() };
    let rows: Vec<String> = fields
        .iter()
        .map(|(field, _)| {
            let cells = [
                Param::Int(version.report.0),
                Param::Int(version.number),
                Param::Int(round),
                Param::Int(body),
                Param::Text((*field).to_owned()),
                Param::Int(at),
            ]
            .map(|cell| params.push(cell));
            let superseded = match superseded {
                Some(at) => params.push(Param::Int(at)),
                None => "NULL".to_owned(),
            };
            format!("({}, {superseded})", cells.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO search_entries
         (report_id, number, round_id, body_id, field, submitted_at, superseded_at)
         VALUES {}
         ON CONFLICT (report_id, number, field) DO NOTHING RETURNING id, field",
        rows.join(", ")
    );
    let ids: HashMap<String, i64> = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), params)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| Ok((row.try_get("field")?, row.try_get("id")?)))
        .collect::<Result<_>>()?;
    let mut params = Params { values: Vec::new() };
    let mut rows = Vec::new();
    for (field, text) in &fields {
        let indexed = index_text(text);
        if indexed.stems.is_empty() && indexed.parts.is_empty() {
            continue;
        }
        // Not returned: another server indexed it in the meantime (the conflict above).
        let Some(&id) = ids.get(*field) else {
            continue;
        };
        let id = params.push(Param::Int(id));
        rows.push(match backend {
            Backend::Sqlite => {
                let stems = params.push(Param::Text(indexed.stems));
                format!(
                    "({id}, {stems}, {})",
                    params.push(Param::Text(indexed.parts))
                )
            }
            Backend::Postgres => {
                let document = tsvector(&indexed.stems, &indexed.parts);
                format!("({id}, {}::tsvector)", params.push(Param::Text(document)))
            }
        });
    }
    if rows.is_empty() {
        return Ok(());
    }
    let columns = match backend {
        Backend::Sqlite => "rowid, stems, parts",
        Backend::Postgres => "entry_id, document",
    };
    let sql = format!(
        "INSERT INTO search_index ({columns}) VALUES {}",
        rows.join(", ")
    );
    bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), params)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The largest position a PostgreSQL `tsvector` keeps.
const MAX_POSITION: usize = 16_383;

/// The stems as a `tsvector` literal: each stem at its position in the text, weight A, so
/// that phrases match consecutive stems as FTS5's do; the compounds' parts after them,
/// weight B. (Written as a literal rather than through `to_tsvector('simple', …)`, whose
/// parser could split a stem differently from FTS5's tokenizer.)
fn tsvector(stems: &str, parts: &str) -> String {
    let mut out = String::with_capacity(stems.len() * 2 + parts.len() * 2);
    let stems = stems.split(' ').filter(|s| !s.is_empty());
    let parts = parts.split(' ').filter(|s| !s.is_empty());
    let weighted = stems.map(|s| (s, 'A')).chain(parts.map(|s| (s, 'B')));
    for (i, (lexeme, weight)) in weighted.enumerate() {
        if !out.is_empty() {
            out.push(' ');
        }
        let position = (i + 1).min(MAX_POSITION);
        out.push_str(&format!(
            "'{}':{position}{weight}",
            lexeme.replace('\'', "''")
        ));
    }
    out
}

/// The query in FTS5's syntax: every term must match; a word anywhere (stems or parts), a
/// phrase as consecutive stems. Stems are letters and digits only, quoted all the same.
fn fts5_match(query: &SearchQuery) -> String {
    let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    query
        .terms
        .iter()
        .map(|term| match term {
            QueryTerm::Word(w) => quoted(w),
            QueryTerm::Phrase(p) => format!("stems : {}", quoted(&p.join(" "))),
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The query as a PostgreSQL `tsquery`: a word matches either weight, a phrase's stems
/// follow each other (`<->`) with weight A (the text, not the compounds' parts).
fn tsquery(query: &SearchQuery) -> String {
    let quoted = |s: &str| format!("'{}'", s.replace('\'', "''"));
    query
        .terms
        .iter()
        .map(|term| match term {
            QueryTerm::Word(w) => quoted(w),
            QueryTerm::Phrase(p) => format!(
                "({})",
                p.iter()
                    .map(|s| format!("{}:A", quoted(s)))
                    .collect::<Vec<_>>()
                    .join(" <-> ")
            ),
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

/// Binds parameters in order and numbers them.
struct Params {
    values: Vec<Param>,
}

enum Param {
    Int(i64),
    Text(String),
}

impl Params {
    fn push(&mut self, value: Param) -> String {
        self.values.push(value);
        format!("${}", self.values.len())
    }
}

/// Publication `p` is of entry `e`'s round, and `e`'s version was its report's latest then.
const PUBLISHED_IN_P: &str = "p.round_id = e.round_id AND p.published_at >= e.submitted_at
    AND (e.superseded_at IS NULL OR e.superseded_at > p.published_at)";

/// The permission, as part of the query: which entries `access` may find.
fn scope_condition(access: &SearchAccess, params: &mut Params) -> String {
    match access.scope() {
        // The latest submitted version of every report (drafts are never indexed).
        SearchScope::Submitted => "e.superseded_at IS NULL".to_owned(),
        // A version that was its report's latest when one of the round's compiled reports
        // was published: what that published version contains. When the round compiles
        // approved versions only, the version must have been approved by then. (The
        // setting as it is now: a publication does not record the one it was made with.)
        SearchScope::Published => format!(
            "EXISTS (SELECT 1 FROM publications p WHERE {PUBLISHED_IN_P}
               AND (NOT EXISTS (SELECT 1 FROM compilation_settings c
                                WHERE c.round_id = e.round_id AND c.approved_only = 1)
                    OR EXISTS (SELECT 1 FROM reviews v WHERE v.report_id = e.report_id
                               AND v.submission = e.number AND v.decision = 'approve'
                               AND v.reviewed_at <= p.published_at)))"
        ),
        SearchScope::OwnBodies(bodies) if bodies.is_empty() => "1 = 0".to_owned(),
        SearchScope::OwnBodies(bodies) => {
            let list: Vec<String> = bodies
                .iter()
                .map(|b| params.push(Param::Int(b.0)))
                .collect();
            format!(
                "e.superseded_at IS NULL AND e.body_id IN ({})",
                list.join(", ")
            )
        }
    }
}

/// The filters' conditions on `e` (an entry, or a draft's answer with the same columns) and
/// `b` (its body).
fn filter_conditions(filters: &SearchFilters, params: &mut Params) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(round) = filters.round {
        out.push(format!("e.round_id = {}", params.push(Param::Int(round.0))));
    }
    if let Some(body) = filters.body {
        out.push(format!("e.body_id = {}", params.push(Param::Int(body.0))));
    }
    if let Some(kind) = filters.body_kind {
        let kind = params.push(Param::Text(kind.code().to_owned()));
        out.push(format!("b.kind = {kind}"));
    }
    if let Some(question) = &filters.question {
        let key = params.push(Param::Text(question.as_str().to_owned()));
        out.push(format!("e.field = {key}"));
    }
    if let Some(area) = filters.focus_area {
        let area = params.push(Param::Int(i64::from(area)));
        out.push(format!(
            "EXISTS (SELECT 1 FROM round_questions q WHERE q.round_id = e.round_id
               AND q.key = e.field AND q.focus_area = {area})"
        ));
    }
    out
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    params: Params,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for value in params.values {
        query = match value {
            Param::Int(i) => query.bind(i),
            Param::Text(t) => query.bind(t),
        };
    }
    query
}

impl Store {
    /// The submitted answers `access` may find that hold every term of `query`, narrowed by
    /// `filters`: newest entry first, at most `limit`, starting after the entry `after` (the
    /// last of the page before). One query; the permission is inside it.
    pub async fn search(
        &self,
        access: &SearchAccess,
        query: &SearchQuery,
        filters: &SearchFilters,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<SearchHit>> {
        let mut params = Params { values: Vec::new() };
        // A few bodies' entries are few: SQLite then reads them by body and asks FTS5 about
        // each (CROSS JOIN fixes that order), rather than go through every match of common
        // words. PostgreSQL's planner weighs this itself, from its statistics.
        let few_bodies =
            filters.body.is_some() || matches!(access.scope(), SearchScope::OwnBodies(_));
        let (from, id, matched) = match self.backend {
            Backend::Sqlite => {
                let m = params.push(Param::Text(fts5_match(query)));
                let from = if few_bodies {
                    "search_entries e CROSS JOIN search_index x ON x.rowid = e.id"
                } else {
                    "search_index x JOIN search_entries e ON e.id = x.rowid"
                };
                let id = if few_bodies { "e.id" } else { "x.rowid" };
                (from, id, format!("search_index MATCH {m}"))
            }
            Backend::Postgres => {
                let m = params.push(Param::Text(tsquery(query)));
                (
                    "search_index x JOIN search_entries e ON e.id = x.entry_id",
                    "x.entry_id",
                    format!("x.document @@ {m}::tsquery"),
                )
            }
        };
        let mut conditions = vec![matched, scope_condition(access, &mut params)];
        conditions.extend(filter_conditions(filters, &mut params));
        if let Some(after) = after {
            conditions.push(format!("{id} < {}", params.push(Param::Int(after))));
        }
        let limit = params.push(Param::Int(i64::from(limit)));
        let sql = format!(
            "SELECT e.id, e.report_id, e.number, e.round_id, e.body_id, e.field, b.name,
                    s.content,
                    (SELECT MAX(p.number) FROM publications p WHERE {PUBLISHED_IN_P})
                      AS publication
             FROM {from}
             JOIN bodies b ON b.id = e.body_id
             JOIN submissions s ON s.report_id = e.report_id AND s.number = e.number
             WHERE {}
             ORDER BY {id} DESC LIMIT {limit}",
            conditions.join(" AND ")
        );
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), params)
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|row| {
                let field: String = row.try_get("field")?;
                let content: SubmittedContent =
                    serde_json::from_str(row.try_get("content")?).map_err(corrupt)?;
                Ok(SearchHit {
                    entry: Some(row.try_get("id")?),
                    report: ReportId(row.try_get("report_id")?),
                    number: Some(row.try_get("number")?),
                    round: RoundId(row.try_get("round_id")?),
                    body: BodyId(row.try_get("body_id")?),
                    body_name: row.try_get("name")?,
                    text: field_text(&content, &field),
                    field,
                    publication: row.try_get("publication")?,
                })
            })
            .collect()
    }

    /// A reporter's own drafts (reports being written or completed) that hold every term of
    /// `query`: read from the saved answers and matched in Rust with the same analyzer, so
    /// that autosave never indexes. Other scopes have no drafts to search: empty.
    pub async fn search_drafts(
        &self,
        access: &SearchAccess,
        query: &SearchQuery,
        filters: &SearchFilters,
        limit: usize,
    ) -> Result<Vec<SearchHit>> {
        let SearchScope::OwnBodies(bodies) = access.scope() else {
            return Ok(Vec::new());
        };
        if bodies.is_empty() {
            return Ok(Vec::new());
        }
        let mut params = Params { values: Vec::new() };
        let list: Vec<String> = bodies
            .iter()
            .map(|b| params.push(Param::Int(b.0)))
            .collect();
        let mut conditions = vec![
            format!("e.body_id IN ({})", list.join(", ")),
            "e.status IN ('draft', 'returned')".to_owned(),
            // Answers and "Övriga upplysningar"; the contact person is not searched.
            "e.field NOT IN ('contact_name', 'contact_phone', 'contact_email')".to_owned(),
        ];
        conditions.extend(filter_conditions(filters, &mut params));
        let sql = format!(
            "SELECT e.report_id, e.round_id, e.body_id, e.field, e.text, b.name
             FROM (SELECT a.report_id, r.round_id, r.body_id, r.status, a.field, a.text
                   FROM answers a JOIN reports r ON r.id = a.report_id) e
             JOIN bodies b ON b.id = e.body_id
             WHERE {}
             ORDER BY e.round_id DESC, e.report_id, e.field",
            conditions.join(" AND ")
        );
        let mut rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), params).fetch(&self.read);
        let mut hits = Vec::new();
        while let Some(row) = rows.try_next().await? {
            let text: String = row.try_get("text")?;
            if !query.matches(&text) {
                continue;
            }
            hits.push(SearchHit {
                entry: None,
                report: ReportId(row.try_get("report_id")?),
                number: None,
                round: RoundId(row.try_get("round_id")?),
                body: BodyId(row.try_get("body_id")?),
                body_name: row.try_get("name")?,
                field: row.try_get("field")?,
                text,
                publication: None,
            });
            if hits.len() >= limit {
                break;
            }
        }
        Ok(hits)
    }

    /// Indexes every submitted version the index does not hold yet (after an upgrade, a
    /// bulk load, or a database restored from before the index), oldest first, `batch`
    /// versions per transaction. Returns how many versions and answers were indexed.
    pub async fn index_pending(&self, batch: usize) -> Result<(u64, u64)> {
        let (mut versions, mut answers) = (0, 0);
        // Onwards from the last version looked at, so each batch reads only what is new.
        let mut after = (0_i64, 0_i64);
        loop {
            let pending: Vec<(i64, i64, i64, String)> = sqlx::query_as(
                "SELECT s.report_id, s.number, s.submitted_at, s.content FROM submissions s
                 WHERE (s.report_id, s.number) > ($1, $2)
                   AND NOT EXISTS (SELECT 1 FROM search_entries e
                                   WHERE e.report_id = s.report_id AND e.number = s.number)
                 ORDER BY s.report_id, s.number LIMIT $3",
            )
            .bind(after.0)
            .bind(after.1)
            .bind(i64::try_from(batch).map_err(corrupt)?)
            .fetch_all(&self.read)
            .await?;
            let Some(last) = pending.last() else {
                return Ok((versions, answers));
            };
            after = (last.0, last.1);
            let mut tx = self.begin().await?;
            for (report, number, submitted_at, content) in pending {
                let content: SubmittedContent = serde_json::from_str(&content).map_err(corrupt)?;
                let version = Version {
                    report: ReportId(report),
                    number,
                    submitted_at: crate::timestamp(submitted_at)?,
                    content: &content,
                };
                index_version(&mut tx, self.backend, &version).await?;
                versions += 1;
                answers += content.answers.len() as u64;
            }
            tx.commit().await?;
        }
    }

    /// Updates the database's statistics for its query planner (PostgreSQL's `ANALYZE`;
    /// autovacuum does it in time), as the benchmark wants right after a bulk load.
    pub async fn analyze(&self) -> Result<()> {
        sqlx::query("ANALYZE").execute(&self.write).await?;
        Ok(())
    }

    /// For the benchmark's comparison: the newest `limit` submitted versions whose content
    /// holds every one of `words` (lowercase), found with a plain `LIKE '%…%'` scan and no
    /// index — what searching would cost without one.
    pub async fn like_scan(&self, words: &[String], limit: u32) -> Result<Vec<(i64, i64)>> {
        let mut params = Params { values: Vec::new() };
        let conditions: Vec<String> = words
            .iter()
            .map(|w| {
                let pattern = format!("%{}%", w.replace(['%', '_'], ""));
                format!("LOWER(content) LIKE {}", params.push(Param::Text(pattern)))
            })
            .collect();
        let limit = params.push(Param::Int(i64::from(limit)));
        let sql = format!(
            "SELECT report_id, number FROM submissions WHERE {}
             ORDER BY submitted_at DESC, report_id DESC LIMIT {limit}",
            if conditions.is_empty() {
                "1 = 1".to_owned()
            } else {
                conditions.join(" AND ")
            }
        );
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), params)
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect()
    }

    /// Whether some submitted version is not in the search index yet.
    pub async fn search_index_behind(&self) -> Result<bool> {
        let behind: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM submissions s
             WHERE NOT EXISTS (SELECT 1 FROM search_entries e
                               WHERE e.report_id = s.report_id AND e.number = s.number)
             LIMIT 1",
        )
        .fetch_optional(&self.read)
        .await?;
        Ok(behind.is_some())
    }
}

/// The text of `field` ("other_information" or a question's key) in a submitted version.
fn field_text(content: &SubmittedContent, field: &str) -> String {
    if field == Field::OtherInformation.code() {
        return content.other_information.clone();
    }
    content
        .answers
        .iter()
        .find(|a| a.key.as_str() == field)
        .map(|a| a.text.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tertial_domain::analysis::parse_query;

    #[test]
    fn queries_read_alike_on_both_backends() {
        let q = parse_query("samverkan \"organiserad brottslighet\"").expect("query");
        assert_eq!(
            fts5_match(&q),
            "\"samverk\" AND stems : \"organiser brotts\""
        );
        assert_eq!(tsquery(&q), "'samverk' & ('organiser':A <-> 'brotts':A)");
        assert_eq!(tsvector("a b", "c"), "'a':1A 'b':2A 'c':3B");
    }
}
