//! Races, a few hundred of each, on both backends: two people pressing "Skicka in" at the
//! same moment, uploads that finish after their session was signed out, and clients that
//! hang up halfway through an autosave.
//!
//! Timings are drawn at random; the seed is printed, and `TERTIAL_RACE_SEED` repeats a run.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use tertial_domain::{ReportId, Role, Timestamp, UserId};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::*;

/// Two people press "Skicka in" at the same moment, a few hundred times over: two
/// colleagues, or one person in two tabs, each having changed an answer (mostly different
/// ones, sometimes the same). Exactly one gets a receipt, for the next version number. The
/// other gets 409: told that nothing of theirs was saved, by whom and when the report was
/// submitted and as which version, with their own text given back to copy. Their text is
/// stored nowhere, neither among the answers nor in any submission; the winner's text is in
/// the version they submitted. Versions are numbered without gaps or repeats, and nothing
/// answers with a server error.
///
/// Between races the report is reopened through SQL (status `returned`, as a coordinator's
/// return would leave it), so every race starts from an editable, complete report.
async fn two_press_skicka_in_at_once(app: TestApp) {
    const RACES: usize = 300;
    let started = Instant::now();
    let mut dice = Dice::new("two_press_skicka_in_at_once");
    let report = app.report_id("T2 2022", "Skärholmen").await;
    app.add_reporter(report, "kollega@example.se", "Kollega Skärholmen")
        .await;
    // Three sessions: Skärholmen's reporter in two tabs, and a colleague.
    let mut people = Vec::new();
    for email in [
        "skarholmen@example.se",
        "kollega@example.se",
        "skarholmen@example.se",
    ] {
        let account = app
            .store
            .user_by_email(email)
            .await
            .expect("look up account")
            .expect("account exists")
            .actor;
        people.push((account, app.signed_in(email).await));
    }
    // Complete, so that each race is only about who submits first.
    let complete = complete_answers();
    let filled = people[0]
        .1
        .post_whole_form(report, &pairs(&complete), "spara")
        .await;
    assert_eq!(filled.status, StatusCode::SEE_OTHER, "{}", filled.text);

    let sql = app.sql().await;
    let path = format!("/rapporter/{report}");
    let mut results: Vec<RaceResult> = Vec::with_capacity(RACES);
    let mut head_start_won = 0;
    let mut same_person_races = 0;
    let mut same_answer_races = 0;
    let mut lost_statuses: BTreeMap<u16, usize> = BTreeMap::new();
    for race in 0..RACES {
        let (a, b) = [(0, 1), (1, 2), (2, 0)][race % 3];
        if people[a].0.id == people[b].0.id {
            same_person_races += 1;
        }
        let qa = race % QUESTIONS.len();
        // Mostly different answers; in one race of four the same one.
        let qb = if dice.below(4) == 0 {
            same_answer_races += 1;
            qa
        } else {
            (qa + 1 + dice.below(QUESTIONS.len() - 1)) % QUESTIONS.len()
        };
        let sides = [(a, qa, token(race, 'a')), (b, qb, token(race, 'b'))];
        let texts: Vec<String> = sides
            .iter()
            .map(|(who, _, token)| format!("Svar från {} {token}", people[*who].0.name))
            .collect();
        let names: Vec<String> = sides
            .iter()
            .map(|(_, q, _)| format!("text.{}", QUESTIONS[*q]))
            .collect();
        // Both have the form open as it is now, each changes one answer...
        let change_a = [(names[0].as_str(), texts[0].as_str())];
        let change_b = [(names[1].as_str(), texts[1].as_str())];
        let (form_a, form_b) = tokio::join!(
            people[a].1.whole_form(report, &change_a, "skicka-in"),
            people[b].1.whole_form(report, &change_b, "skicka-in"),
        );
        // ...and presses "Skicka in": at once, or one of them up to 2 ms later.
        let lead = Duration::from_millis(dice.below(3) as u64);
        let a_first = dice.below(2) == 0;
        let (delay_a, delay_b) = if a_first {
            (Duration::ZERO, lead)
        } else {
            (lead, Duration::ZERO)
        };
        let (reply_a, reply_b) = tokio::join!(
            async {
                pause(delay_a).await;
                people[a].1.post_owned(&path, &form_a).await
            },
            async {
                pause(delay_b).await;
                people[b].1.post_owned(&path, &form_b).await
            },
        );
        let replies = [&reply_a, &reply_b];
        for reply in replies {
            assert!(
                !reply.status.is_server_error(),
                "race {race}: {}: {}",
                reply.status,
                reply.text
            );
        }
        // Nothing reopens the report during a race, so a second receipt would be a
        // submitted report submitted again.
        let receipts = replies
            .iter()
            .filter(|r| r.status == StatusCode::SEE_OTHER)
            .count();
        assert_eq!(
            receipts, 1,
            "race {race}: exactly one receipt ({} and {})",
            reply_a.status, reply_b.status
        );
        let (won, lost) = if reply_a.status == StatusCode::SEE_OTHER {
            (0, 1)
        } else {
            (1, 0)
        };
        if !lead.is_zero() && (won == 0) == a_first {
            head_start_won += 1;
        }
        let number = i64::try_from(race).expect("race number") + 1;
        assert_eq!(
            replies[won].location.as_deref(),
            Some(format!("/rapporter/{report}/versioner/{number}?kvittens=1").as_str()),
            "race {race}: the receipt is for the next version, no gap and no repeat"
        );
        let loser = replies[lost];
        *lost_statuses.entry(loser.status.as_u16()).or_default() += 1;
        assert_eq!(
            loser.status,
            StatusCode::CONFLICT,
            "race {race}: {}",
            loser.text
        );
        // The page says what happened, and by whom...
        let winner = &people[sides[won].0].0;
        let said = format!(
            "Dina ändringar sparades inte: rapporten skickades in av {} ",
            winner.name
        );
        let at = loser
            .text
            .find(&said)
            .unwrap_or_else(|| panic!("race {race}: no notice {said:?} in {}", loser.text))
            + said.len();
        let version = format!(" (version {number})");
        let when = loser.text[at..]
            .split_once(&version)
            .unwrap_or_else(|| panic!("race {race}: notice without {version:?}"))
            .0
            .to_owned();
        // Nothing of the refused post is stored; the winner's change is.
        let fields = app.saved(report).await;
        let stored = |q: usize| {
            fields
                .iter()
                .find(|f| f.field.code() == QUESTIONS[q])
                .map(|f| f.value.text.clone())
                .unwrap_or_default()
        };
        assert!(
            stored(sides[won].1).contains(&sides[won].2),
            "race {race}: the winner's text is saved"
        );
        assert!(
            fields
                .iter()
                .all(|f| !f.value.text.contains(&sides[lost].2)),
            "race {race}: nothing of the refused post is saved"
        );
        // The page gives the refused text back, to copy.
        let unsaved = section(
            &loser.text,
            "<h2 id=\"osparat\">Din text som inte sparades</h2>",
        );
        assert!(
            unsaved.contains(&sides[lost].2),
            "race {race}: the refused text is given back: {unsaved}"
        );
        assert!(!unsaved.contains(&sides[won].2));
        results.push(RaceResult {
            winner: winner.id,
            question: QUESTIONS[sides[won].1],
            winner_token: sides[won].2.clone(),
            loser_token: sides[lost].2.clone(),
            notice_time: when,
        });
        reopen(&sql, report).await;
    }

    // Every version, as stored: numbered 1, 2, 3... and holding its winner's text and no
    // refused text at all.
    let submissions = app
        .store
        .stored_submissions(ReportId(report))
        .await
        .expect("submissions");
    let numbers: Vec<i64> = submissions.iter().map(|s| s.number).collect();
    let expected: Vec<i64> = (1..=i64::try_from(RACES).expect("races")).collect();
    assert_eq!(numbers, expected, "no gaps, no repeats");
    let refused: HashSet<&str> = results.iter().map(|r| r.loser_token.as_str()).collect();
    for (submission, race) in submissions.iter().zip(&results) {
        assert_eq!(submission.submitted_by, race.winner);
        let answer = submission
            .content
            .answers
            .iter()
            .find(|a| a.key.as_str() == race.question)
            .expect("the winner's answer is submitted");
        assert!(answer.text.contains(&race.winner_token));
        let content = serde_json::to_string(&submission.content).expect("content");
        for found in tokens(&content) {
            assert!(
                !refused.contains(found),
                "version {}: holds refused text {found}",
                submission.number
            );
        }
        assert_eq!(
            race.notice_time,
            swedish_time(submission.submitted_at),
            "version {}: the notice names the time it was submitted",
            submission.number
        );
    }
    eprintln!(
        "two_press_skicka_in_at_once ({:?}): {RACES} races ({same_person_races} by one person \
         in two tabs, {same_answer_races} over the same answer): {RACES} receipts, losers \
         answered {lost_statuses:?}; the one with a head start won {head_start_won} of the \
         races with one; {:.1?}",
        app.store.backend(),
        started.elapsed()
    );
}
story!(two_press_skicka_in_at_once);

/// An upload that is still arriving when its session is signed out is refused when it
/// completes, and stores nothing, a few hundred times: an autosave gets the 401 the script
/// understands, a whole form the sign-in page (keeping the text, to save again after signing
/// in), and a "Skicka in" submits nothing. The server had checked the session when the
/// headers arrived, before the sign-out; only the check inside the save's transaction can
/// refuse it.
///
/// Timings vary: the body stops after the headers, halfway, or one byte short; the server
/// gets 1-3 ms with the headers before the sign-out; the rest follows 0-4 ms after the
/// sign-out has been answered; and in half the races another save of the same session is
/// under way as it signs out (the sign-out waits for it, or it comes after and is refused:
/// stored exactly when it says so).
async fn uploads_finishing_after_sign_out_store_nothing(app: TestApp) {
    const RACES: usize = 300;
    let started = Instant::now();
    let mut dice = Dice::new("uploads_finishing_after_sign_out_store_nothing");
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let owner = app.signed_in("skarholmen@example.se").await;
    // Complete, so that an accepted "Skicka in" would submit.
    let filled = owner
        .post_whole_form(report, &pairs(&complete_answers()), "spara")
        .await;
    assert_eq!(filled.status, StatusCode::SEE_OTHER, "{}", filled.text);

    let kinds = ["autosave", "spara", "skicka-in"];
    let mut refused: BTreeMap<&str, usize> = BTreeMap::new();
    let mut other_saves: BTreeMap<u16, usize> = BTreeMap::new();
    for race in 0..RACES {
        let kind = kinds[race % kinds.len()];
        let client = app.signed_in("skarholmen@example.se").await;
        let versions = versions(&app, report).await;
        let asked = dice.below(QUESTIONS.len());
        let (question, other) = (QUESTIONS[asked], QUESTIONS[(asked + 1) % QUESTIONS.len()]);
        let mark = token(race, 'u');
        let text = format!("Skrivet före utloggningen {mark}");
        let (path, headers, body) =
            raw_post(&client, report, question, &text, versions[question], kind).await;
        let sent = match dice.below(3) {
            0 => 0,
            1 => body.len() / 2,
            _ => body.len() - 1,
        };
        let upload = RawRequest::start(&app.base, &path, &headers, &body, sent).await;
        pause(Duration::from_millis(1 + dice.below(3) as u64)).await;

        // Signed out, in the same browser, while the upload is under way; sometimes with
        // another save of the session under way too.
        let other_text = format!("Sparat medan utloggningen pågick {}", token(race, 'o'));
        let csrf = [("csrf", client.csrf.as_str())];
        let sign_out = client.post_form("/logga-ut", &csrf);
        let other_save = if dice.below(2) == 0 {
            let (out, save) = tokio::join!(
                sign_out,
                client.autosave(report, other, &other_text, versions[other])
            );
            assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.text);
            Some(save)
        } else {
            let out = sign_out.await;
            assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.text);
            None
        };
        pause(Duration::from_millis(dice.below(5) as u64)).await;
        let reply = upload.finish().await;

        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "race {race} ({kind}, {sent} of {} bytes sent before signing out): {}",
            body.len(),
            reply.text
        );
        if kind == "autosave" {
            assert!(
                reply.json()["error"]
                    .as_str()
                    .is_some_and(|e| e.contains("utloggad")),
                "{}",
                reply.text
            );
        } else {
            // The sign-in page, carrying what was typed.
            let carried = form_fields_of(&reply.text, "/logga-in");
            assert!(
                carried
                    .iter()
                    .any(|(n, v)| n == &format!("resume.text.{question}") && v == &text),
                "race {race}: the text is kept through signing in"
            );
        }
        let stored = app.saved(report).await;
        assert!(
            stored.iter().all(|f| !f.value.text.contains(&mark)),
            "race {race} ({kind}): nothing of the refused upload is stored"
        );
        if let Some(save) = other_save {
            *other_saves.entry(save.status.as_u16()).or_default() += 1;
            let kept = stored
                .iter()
                .any(|f| f.field.code() == other && f.value.text == other_text);
            match save.status {
                StatusCode::OK => assert!(kept, "race {race}: a save that says so is stored"),
                StatusCode::UNAUTHORIZED => {
                    assert!(!kept, "race {race}: a refused save is not stored");
                }
                status => panic!(
                    "race {race}: the other save answered {status}: {}",
                    save.text
                ),
            }
        }
        if kind == "skicka-in" {
            let submissions = app
                .store
                .stored_submissions(ReportId(report))
                .await
                .expect("submissions");
            assert!(submissions.is_empty(), "race {race}: nothing was submitted");
            let now = app
                .store
                .report(ReportId(report))
                .await
                .expect("report")
                .expect("exists");
            assert!(now.status.editable(), "race {race}: still a draft");
        }
        *refused.entry(kind).or_default() += 1;
    }
    eprintln!(
        "uploads_finishing_after_sign_out_store_nothing ({:?}): refused with 401 and nothing \
         stored: {refused:?}; saves of the same session racing the sign-out answered \
         {other_saves:?}; {:.1?}",
        app.store.backend(),
        started.elapsed()
    );
}
story!(uploads_finishing_after_sign_out_store_nothing);

/// Clients that hang up in the middle of an autosave, a few hundred of them in batches of
/// 30 at once (before the body is complete, right after it, a few milliseconds later, or
/// through a client timeout of a few milliseconds), leave nothing open: on PostgreSQL no
/// connection stays idle in a transaction; signing out, which waits for saves under way on
/// its session, answers within 2 s; a normal save still succeeds; and every version stored
/// has exactly one audit record, so no save was half done.
async fn aborted_autosaves_leave_nothing_open(app: TestApp) {
    const BATCHES: usize = 10;
    const BATCH: usize = 30;
    let started = Instant::now();
    let mut dice = Dice::new("aborted_autosaves_leave_nothing_open");
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let reporter = app.signed_in("skarholmen@example.se").await;
    let cookie = reporter.cookie_header();
    let mut hung_up: BTreeMap<&str, usize> = BTreeMap::new();
    for batch in 0..BATCHES {
        let versions = versions(&app, report).await;
        let mut requests = tokio::task::JoinSet::new();
        for i in 0..BATCH {
            let question = QUESTIONS[dice.below(QUESTIONS.len())];
            // Mostly against the version stored now (a real save), sometimes a stale one.
            let version = (versions[question] - dice.below(2) as i64).max(0);
            let text = format!("Avbruten {}", token(batch * BATCH + i, 'x'));
            let fields = vec![
                ("text".to_owned(), text.clone()),
                ("version".to_owned(), version.to_string()),
            ];
            let body = encode(&fields);
            let path = format!("/rapporter/{report}/falt/{question}");
            let headers = vec![
                ("x-csrf-token", reporter.csrf.clone()),
                ("accept", "application/json".to_owned()),
                ("cookie", cookie.clone()),
            ];
            let base = app.base.clone();
            let how = dice.below(4);
            let wait = Duration::from_millis(dice.below(6) as u64);
            let part = dice.below(body.len());
            let http = reporter.http.clone();
            let csrf = reporter.csrf.clone();
            requests.spawn(async move {
                match how {
                    0 => {
                        let upload = RawRequest::start(&base, &path, &headers, &body, part).await;
                        pause(wait).await;
                        drop(upload);
                        "partial body"
                    }
                    1 => {
                        drop(RawRequest::start(&base, &path, &headers, &body, body.len()).await);
                        "whole body, hung up at once"
                    }
                    2 => {
                        let upload =
                            RawRequest::start(&base, &path, &headers, &body, body.len()).await;
                        pause(wait).await;
                        drop(upload);
                        "whole body, hung up within 5 ms"
                    }
                    _ => {
                        let sent = http
                            .post(format!("{base}{path}"))
                            .header("x-csrf-token", csrf)
                            .header(ACCEPT, "application/json")
                            .form(&[("text", text), ("version", version.to_string())])
                            .timeout(wait + Duration::from_millis(1))
                            .send()
                            .await;
                        match sent {
                            Ok(_) => "client timeout, answered in time",
                            Err(_) => "client timeout, gave up",
                        }
                    }
                }
            });
        }
        while let Some(done) = requests.join_next().await {
            *hung_up.entry(done.expect("request task")).or_default() += 1;
        }
    }

    let sql = app.sql().await;
    if app.store.backend() == Backend::Postgres {
        // Handlers still finishing may be between two statements for a moment; none may
        // stay there.
        let deadline = Instant::now() + Duration::from_secs(2);
        let idle = loop {
            let idle: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
            )
            .fetch_one(&sql)
            .await
            .expect("pg_stat_activity");
            if idle == 0 || Instant::now() > deadline {
                break idle;
            }
            pause(Duration::from_millis(50)).await;
        };
        assert_eq!(idle, 0, "connections left idle in a transaction");
    }

    // Handlers of hung-up requests run to completion; once they have, a normal save and
    // signing out both answer promptly.
    settle(&app, report).await;
    let reached = app
        .store
        .audit_of(AuditSubject::Report(tertial_domain::ReportId(report)))
        .await
        .expect("audit")
        .iter()
        .filter(|a| a.action == "answer_saved" || a.action == "save_conflict")
        .count();
    let versions = versions(&app, report).await;
    let save = tokio::time::timeout(
        Duration::from_secs(2),
        reporter.autosave(
            report,
            QUESTIONS[0],
            "Efter de avbrutna",
            versions[QUESTIONS[0]],
        ),
    )
    .await
    .expect("a save answers within 2 s");
    assert_eq!(save.status, StatusCode::OK, "{}", save.text);
    assert_eq!(save.json()["version"], versions[QUESTIONS[0]] + 1);
    let out = tokio::time::timeout(
        Duration::from_secs(2),
        reporter.post_form("/logga-ut", &[("csrf", &reporter.csrf)]),
    )
    .await
    .expect("signing out answers within 2 s");
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = reporter
        .autosave(
            report,
            QUESTIONS[0],
            "Efter utloggningen",
            versions[QUESTIONS[0]] + 1,
        )
        .await;
    assert_eq!(
        after.status,
        StatusCode::UNAUTHORIZED,
        "signed out for real"
    );

    // Every stored version has exactly one audit record, and every record its version.
    let audit = app
        .store
        .audit_of(AuditSubject::Report(tertial_domain::ReportId(report)))
        .await
        .expect("audit");
    let mut saved_versions: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for entry in audit.iter().filter(|a| a.action == "answer_saved") {
        if entry.detail.ends_with(" unchanged") {
            continue;
        }
        let (field, version) = entry
            .detail
            .strip_prefix("field=")
            .and_then(|d| d.split_once(" version="))
            .unwrap_or_else(|| panic!("audit detail {:?}", entry.detail));
        saved_versions
            .entry(field.to_owned())
            .or_default()
            .push(version.parse().expect("version"));
    }
    let stored = app.saved(report).await;
    let mut committed = 0;
    for field in &stored {
        let mut recorded = saved_versions
            .remove(field.field.code())
            .unwrap_or_default();
        recorded.sort_unstable();
        let expected: Vec<i64> = (1..=field.version).collect();
        assert_eq!(
            recorded,
            expected,
            "{}: one record per version",
            field.field.code()
        );
        committed += field.version;
    }
    assert!(saved_versions.is_empty(), "records without a stored field");
    eprintln!(
        "aborted_autosaves_leave_nothing_open ({:?}): {} requests: {hung_up:?}; \
         {reached} reached the database (saved, or a conflict with a newer save); \
         {committed} versions stored in all; {:.1?}",
        app.store.backend(),
        BATCHES * BATCH,
        started.elapsed()
    );
}
story!(aborted_autosaves_leave_nothing_open);

/// A request is carried out even when its browser hangs up while it waits: an autosave and
/// a "Skicka in" are held up by a lock the test holds on the report (on PostgreSQL its row,
/// which the save updates mid-transaction; on SQLite the write lock), the client hangs up,
/// the lock is let go, and the save and the submission still land, whole. Afterwards no
/// connection is idle in a transaction (PostgreSQL) and signing out answers at once.
async fn a_request_whose_client_hung_up_is_carried_out(app: TestApp) {
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let reporter = app.signed_in("skarholmen@example.se").await;
    let filled = reporter
        .post_whole_form(report, &pairs(&complete_answers()), "spara")
        .await;
    assert_eq!(filled.status, StatusCode::SEE_OTHER, "{}", filled.text);
    let sql = app.sql().await;
    let postgres = app.store.backend() == Backend::Postgres;
    let question = QUESTIONS[2];
    for (step, kind) in ["autosave", "skicka-in"].into_iter().enumerate() {
        let text = format!("Skickat innan webbläsaren stängdes {}", token(step, 'h'));
        let before = versions(&app, report).await[question];
        let (path, headers, body) =
            raw_post(&reporter, report, question, &text, before, kind).await;

        // The test takes a lock the request will need.
        let mut lock = sql.acquire().await.expect("own connection");
        if postgres {
            sqlx::raw_sql("BEGIN")
                .execute(&mut *lock)
                .await
                .expect("begin");
            sqlx::query("SELECT id FROM reports WHERE id = $1 FOR UPDATE")
                .bind(report)
                .execute(&mut *lock)
                .await
                .expect("lock the report");
        } else {
            sqlx::raw_sql("BEGIN IMMEDIATE")
                .execute(&mut *lock)
                .await
                .expect("take the write lock");
        }
        let upload = RawRequest::start(&app.base, &path, &headers, &body, body.len()).await;
        if postgres {
            // Wait until the request's transaction waits for the lock.
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                let waiting: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM pg_stat_activity
                     WHERE datname = current_database() AND wait_event_type = 'Lock'",
                )
                .fetch_one(&sql)
                .await
                .expect("pg_stat_activity");
                if waiting > 0 {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "{kind}: never waited for the lock"
                );
                pause(Duration::from_millis(20)).await;
            }
        } else {
            // SQLite cannot tell who waits for its lock: give the request ample time to
            // arrive and queue for it (on a busy machine 300 ms was not always enough).
            pause(Duration::from_millis(1000)).await;
        }
        // The browser hangs up, and the server has time to notice.
        drop(upload);
        pause(Duration::from_millis(300)).await;
        sqlx::raw_sql("COMMIT")
            .execute(&mut *lock)
            .await
            .expect("let go of the lock");
        drop(lock);
        settle(&app, report).await;

        let stored = app.saved(report).await;
        let field = stored
            .iter()
            .find(|f| f.field.code() == question)
            .expect("the field is stored");
        assert_eq!(
            field.value.text, text,
            "{kind}: carried out although nobody waited"
        );
        assert_eq!(field.version, before + 1);
        if kind == "skicka-in" {
            let submissions = app
                .store
                .stored_submissions(ReportId(report))
                .await
                .expect("submissions");
            assert_eq!(submissions.len(), 1, "submitted once");
            let answer = submissions[0]
                .content
                .answers
                .iter()
                .find(|a| a.key.as_str() == question)
                .expect("answer");
            assert_eq!(answer.text, text, "the submission holds the change");
        }
    }
    if postgres {
        let idle: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
        )
        .fetch_one(&sql)
        .await
        .expect("pg_stat_activity");
        assert_eq!(idle, 0, "connections left idle in a transaction");
    }
    let out = tokio::time::timeout(
        Duration::from_secs(2),
        reporter.post_form("/logga-ut", &[("csrf", &reporter.csrf)]),
    )
    .await
    .expect("signing out answers within 2 s");
    assert_eq!(out.status, StatusCode::SEE_OTHER);
}
story!(a_request_whose_client_hung_up_is_carried_out);

/// What one "Skicka in" race left, to check against the stored versions at the end.
struct RaceResult {
    winner: UserId,
    question: &'static str,
    winner_token: String,
    loser_token: String,
    /// The time the loser's page gave for the winner's submission.
    notice_time: String,
}

impl TestApp {
    /// A connection of the test's own to the database, for what no page does.
    pub(super) async fn sql(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::any::AnyPoolOptions::new()
            .max_connections(2)
            .connect(&self.url)
            .await
            .expect("own connection to the test database")
    }

    /// Adds a second reporter for the body of `report`, with the demo password.
    async fn add_reporter(&self, report: i64, email: &str, name: &str) -> UserId {
        let body = self
            .store
            .report(ReportId(report))
            .await
            .expect("report")
            .expect("exists")
            .body_id;
        tertial_app::users::add_user(
            &self.store,
            email,
            name,
            Role::Reporter,
            vec![body],
            PASSWORD,
        )
        .await
        .expect("add reporter")
    }
}

/// Opens a submitted report again, as a coordinator returning it would (`returned` is
/// editable; the submissions stay).
async fn reopen(sql: &sqlx::AnyPool, report: i64) {
    let done = sqlx::query("UPDATE reports SET status = 'returned' WHERE id = $1")
        .bind(report)
        .execute(sql)
        .await
        .expect("reopen the report");
    assert_eq!(done.rows_affected(), 1);
}

/// Waits until the report's audit trail has stopped growing for 300 ms (every save and
/// every conflict leaves a record), for at most 5 s.
async fn settle(app: &TestApp, report: i64) {
    let subject = AuditSubject::Report(tertial_domain::ReportId(report));
    let records = || async { app.store.audit_of(subject).await.expect("audit").len() };
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut last = records().await;
    loop {
        pause(Duration::from_millis(300)).await;
        let now = records().await;
        if now == last {
            return;
        }
        assert!(Instant::now() < deadline, "saves still arriving after 5 s");
        last = now;
    }
}

/// The stored version of every question (0: never saved).
async fn versions(app: &TestApp, report: i64) -> BTreeMap<&'static str, i64> {
    let stored = app.saved(report).await;
    QUESTIONS
        .iter()
        .map(|q| {
            let version = stored
                .iter()
                .find(|f| f.field.code() == *q)
                .map_or(0, |f| f.version);
            (*q, version)
        })
        .collect()
}

/// A text that occurs nowhere else: `[lopp-017-a]`.
fn token(race: usize, side: char) -> String {
    format!("[lopp-{race:03}-{side}]")
}

/// Every token in a text.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("[lopp-").filter_map(|(at, _)| {
        let end = at + text[at..].find(']')?;
        Some(&text[at..=end])
    })
}

/// The HTML from `heading` to the end of its section.
fn section<'a>(html: &'a str, heading: &str) -> &'a str {
    let start = html
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading} in {html}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").expect("end of section")]
}

/// A time as the pages show it: Stockholm time, "11 maj 2022 kl. 14.02" (the format has
/// its own unit test in `tertial-documents`).
pub(super) fn swedish_time(t: Timestamp) -> String {
    tertial_documents::swedish::date_time(t)
}

/// Form fields encoded as a browser sends them.
fn encode(fields: &[(String, String)]) -> Vec<u8> {
    let request = reqwest::Client::new()
        .post("http://127.0.0.1/")
        .form(fields)
        .build()
        .expect("form request");
    request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .expect("form body")
        .to_vec()
}

async fn pause(duration: Duration) {
    if !duration.is_zero() {
        tokio::time::sleep(duration).await;
    }
}

/// An autosave (`kind` "autosave") or a whole-form post ("spara", "skicka-in") that changes
/// `question` to `text`, from `version`, as the client's browser would send it: path,
/// headers (with the session cookie) and body.
async fn raw_post(
    client: &Client,
    report: i64,
    question: &str,
    text: &str,
    version: i64,
    kind: &str,
) -> (String, Vec<(&'static str, String)>, Vec<u8>) {
    let (path, mut headers, fields) = if kind == "autosave" {
        (
            format!("/rapporter/{report}/falt/{question}"),
            vec![
                ("x-csrf-token", client.csrf.clone()),
                ("accept", "application/json".to_owned()),
            ],
            vec![
                ("text".to_owned(), text.to_owned()),
                ("version".to_owned(), version.to_string()),
            ],
        )
    } else {
        let name = format!("text.{question}");
        let form = client.whole_form(report, &[(&name, text)], kind).await;
        let page = format!("{}/rapporter/{report}", client.base);
        (
            format!("/rapporter/{report}"),
            vec![("referer", page)],
            form,
        )
    };
    headers.push(("cookie", client.cookie_header()));
    (path, headers, encode(&fields))
}

/// A request written by hand over TCP, so that its body can stop halfway.
struct RawRequest {
    stream: TcpStream,
    rest: Vec<u8>,
}

impl RawRequest {
    /// Connects, sends the request line, the headers and the first `sent` bytes of `body`.
    async fn start(
        base: &str,
        path: &str,
        headers: &[(&str, String)],
        body: &[u8],
        sent: usize,
    ) -> RawRequest {
        let host = base.strip_prefix("http://").expect("http base");
        let mut stream = TcpStream::connect(host).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let mut head = format!(
            "POST {path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\
             content-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut first = head.into_bytes();
        first.extend_from_slice(&body[..sent]);
        stream.write_all(&first).await.expect("send headers");
        stream.flush().await.expect("flush");
        RawRequest {
            stream,
            rest: body[sent..].to_vec(),
        }
    }

    /// Sends the rest of the body and reads the answer.
    async fn finish(mut self) -> Reply {
        self.stream
            .write_all(&self.rest)
            .await
            .expect("send the rest");
        let mut raw = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), self.stream.read_to_end(&mut raw))
            .await
            .expect("an answer within 10 s")
            .expect("read the answer");
        parse_reply(&raw)
    }
}

/// An HTTP/1.1 response as read off the wire.
fn parse_reply(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of headers in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..split]).expect("headers are text");
    let status = head
        .split("\r\n")
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or_else(|| panic!("no status in {head}"));
    let header = |name: &str| {
        head.split("\r\n").skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    };
    let mut body = raw[split + 4..].to_vec();
    if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body);
    }
    let text = String::from_utf8(body).expect("body is UTF-8");
    assert!(
        !text.contains("panicked") && !text.contains("sqlx") && !text.contains("Error {"),
        "internal details leaked: {text}"
    );
    Reply {
        status,
        location: header("location"),
        text,
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size = std::str::from_utf8(&body[..end])
            .ok()
            .and_then(|l| usize::from_str_radix(l.split(';').next()?.trim(), 16).ok())
            .expect("chunk size");
        body = &body[end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

/// Random timings from a seed that is printed, so that a failing run can be repeated with
/// `TERTIAL_RACE_SEED`.
struct Dice(u64);

impl Dice {
    fn new(story: &str) -> Dice {
        let seed = std::env::var("TERTIAL_RACE_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            });
        eprintln!("{story}: TERTIAL_RACE_SEED={seed}");
        Dice(seed)
    }

    /// SplitMix64.
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
