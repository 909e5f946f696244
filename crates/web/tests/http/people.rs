//! Bodies and people managed from the browser: adding, changing and deactivating bodies,
//! inviting people by mail to set their own password, changing and deactivating accounts;
//! each bad input refused with a Swedish message on the re-shown form, nothing changed.

use tertial_domain::{AuditAction, UserId};

use super::*;

const NEW_PASSWORD: &str = "ett långt lösenord";

impl TestApp {
    /// The id of the account with this address.
    async fn user_id(&self, email: &str) -> UserId {
        self.store
            .user_by_email(email)
            .await
            .expect("lookup")
            .unwrap_or_else(|| panic!("no account {email}"))
            .actor
            .id
    }

    /// The link in the newest invitation mail to `email`.
    async fn invitation_link(&self, email: &str) -> String {
        let (mails, _) = self.store.mails(0, 50).await.expect("outbox");
        let mail = mails
            .iter()
            .find(|m| m.recipient == email && m.kind == tertial_domain::MailKind::AccountInvitation)
            .unwrap_or_else(|| panic!("no invitation to {email}"));
        let start = mail.body.find("/inbjudan/").expect("link in the mail");
        mail.body[start..start + "/inbjudan/".len() + 64].to_owned()
    }

    /// What the audit log holds about an account.
    async fn actions_on(&self, user: UserId) -> Vec<String> {
        self.store
            .audit_of(AuditSubject::User(user))
            .await
            .expect("audit")
            .into_iter()
            .map(|r| r.action)
            .collect()
    }
}

fn body_form<'a>(name: &'a str, short: &'a str, kind: &'a str) -> [(&'a str, &'a str); 3] {
    [("name", name), ("short_name", short), ("kind", kind)]
}

/// The coordinator adds Idrottsnämnden, is refused a second body of the same name and one
/// without a name, renames it, deactivates it (no longer offered for new rounds) and
/// reactivates it; Skärholmen, with a report in the open round, stays active.
async fn coordinator_manages_bodies(app: TestApp) {
    let coordinator = app.signed_in("samordnare@example.se").await;
    let added = coordinator
        .post_with_csrf(
            "/organ/ny",
            &body_form("Idrottsnämnden", "Idrott", "specialist_committee"),
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    let list = coordinator.get("/organ?klart=tillagt").await;
    assert!(list.text.contains("Organet är tillagt."));
    assert!(list.text.contains("Idrottsnämnden") && list.text.contains("Facknämnd"));
    let before = app.store.bodies().await.expect("bodies").len();

    for (form, message) in [
        (
            body_form("Idrottsnämnden", "T2", "specialist_committee"),
            "Det finns redan ett organ med det namnet",
        ),
        (body_form("  ", "T3", "company_board"), "Ange ett namn."),
        (
            body_form("Ny\u{202E}nämnd", "T4", "company_board"),
            "utan osynliga tecken",
        ),
        (
            body_form("Bra namn", "T5", "kommun"),
            "Välj vilket slags organ",
        ),
    ] {
        let refused = coordinator.post_with_csrf("/organ/ny", &form).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.text.contains(message),
            "{message}: {}",
            refused.text
        );
        assert!(refused.text.contains("error-summary"));
        assert!(
            refused.text.contains(&format!("value=\"{}\"", form[1].1)),
            "kept"
        );
    }
    assert_eq!(app.store.bodies().await.expect("bodies").len(), before);

    let body = app
        .store
        .bodies()
        .await
        .expect("bodies")
        .into_iter()
        .find(|b| b.name == "Idrottsnämnden")
        .expect("added");
    let path = format!("/organ/{}", body.id);
    let renamed = coordinator
        .post_with_csrf(
            &path,
            &body_form(
                "Idrottsnämnden i Exempelstad",
                "Idrott",
                "specialist_committee",
            ),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.text);
    let skarholmen = app.body("Skärholmen").await;
    let taken = coordinator
        .post_with_csrf(
            &path,
            &body_form(&skarholmen.name, "Idrott", "specialist_committee"),
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.store
            .body(body.id)
            .await
            .expect("body")
            .expect("body")
            .name,
        "Idrottsnämnden i Exempelstad"
    );

    let deactivated = coordinator
        .post_with_csrf(&format!("{path}/aktiv"), &[("active", "0")])
        .await;
    assert_eq!(deactivated.status, StatusCode::SEE_OTHER);
    assert!(
        !app.store
            .body(body.id)
            .await
            .expect("body")
            .expect("body")
            .active
    );
    let new_round = coordinator.get("/omgangar/ny").await;
    assert!(new_round.text.contains(&skarholmen.name));
    assert!(
        !new_round.text.contains("Idrottsnämnden i Exempelstad"),
        "not offered"
    );
    let reactivated = coordinator
        .post_with_csrf(&format!("{path}/aktiv"), &[("active", "1")])
        .await;
    assert_eq!(reactivated.status, StatusCode::SEE_OTHER);
    assert!(
        app.store
            .body(body.id)
            .await
            .expect("body")
            .expect("body")
            .active
    );

    let busy = coordinator
        .post_with_csrf(
            &format!("/organ/{}/aktiv", skarholmen.id),
            &[("active", "0")],
        )
        .await;
    assert_eq!(busy.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        busy.text.contains(
            "har en rapport i den öppna omgången Tertialrapport 2 2022; stäng omgången först"
        ),
        "{}",
        busy.text
    );
    assert!(
        app.store
            .body(skarholmen.id)
            .await
            .expect("body")
            .expect("body")
            .active
    );
    let audited: Vec<String> = app
        .store
        .audit_of(AuditSubject::Body(body.id))
        .await
        .expect("audit")
        .into_iter()
        .map(|r| r.action)
        .collect();
    for action in [
        AuditAction::BodyAdded,
        AuditAction::BodyChanged,
        AuditAction::BodyDeactivated,
        AuditAction::BodyReactivated,
    ] {
        assert!(audited.contains(&action.code().to_owned()), "{action:?}");
    }
}
story!(coordinator_manages_bodies);

/// The coordinator invites a reporter; the link in the mail sets the password once (two
/// different passwords are refused first), the reporter signs in, and the link is spent.
async fn an_invitation_sets_the_password_once(app: TestApp) {
    let coordinator = app.signed_in("samordnare@example.se").await;
    let bromma = app.report_id("T2 2022", "Bromma").await;
    let body = app.body("Bromma").await.id;
    let body_field = format!("body-{body}");
    let invited = coordinator
        .post_with_csrf(
            "/personer/ny",
            &[
                ("email", "Ny.Rapportor@Example.se"),
                ("name", "Nina Ny"),
                ("role", "reporter"),
                (&body_field, "1"),
            ],
        )
        .await;
    assert_eq!(invited.status, StatusCode::SEE_OTHER, "{}", invited.text);
    let list = coordinator.get("/personer").await;
    assert!(list.text.contains("Nina Ny") && list.text.contains("ny.rapportor@example.se"));
    let link = app.invitation_link("ny.rapportor@example.se").await;
    let (mails, _) = app.store.mails(0, 5).await.expect("outbox");
    let inviter = app
        .store
        .user_by_email("samordnare@example.se")
        .await
        .expect("lookup")
        .expect("coordinator")
        .actor
        .name;
    assert!(
        mails[0].body.contains(&inviter) && mails[0].body.contains(&link),
        "names the inviter: {}",
        mails[0].body
    );

    let mut visitor = app.visitor();
    let page = visitor.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Nina Ny"));
    let differ = visitor
        .post_form(
            &link,
            &[("password", NEW_PASSWORD), ("again", "något annat helt")],
        )
        .await;
    assert_eq!(differ.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(differ.text.contains("Lösenorden är inte lika"));
    let short = visitor
        .post_form(&link, &[("password", "kort"), ("again", "kort")])
        .await;
    assert!(short.text.contains("minst 12 tecken"));
    let refused = visitor
        .sign_in_with("ny.rapportor@example.se", NEW_PASSWORD)
        .await;
    assert_ne!(refused.status, StatusCode::SEE_OTHER, "no password yet");

    let set = visitor
        .post_form(
            &link,
            &[("password", NEW_PASSWORD), ("again", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.text);
    assert_eq!(set.location.as_deref(), Some("/logga-in?losenord=1"));
    let signed = visitor
        .sign_in_with("ny.rapportor@example.se", NEW_PASSWORD)
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.text);
    let own = visitor.get(&format!("/rapporter/{bromma}")).await;
    assert_eq!(own.status, StatusCode::OK, "reports for Bromma");

    for again in [
        visitor.get(&link).await,
        app.visitor()
            .post_form(
                &link,
                &[("password", NEW_PASSWORD), ("again", NEW_PASSWORD)],
            )
            .await,
    ] {
        assert_eq!(again.status, StatusCode::NOT_FOUND);
        assert!(again.text.contains(
            "Länken har gått ut eller redan använts. Be din samordnare om en ny inbjudan."
        ));
    }
    let unknown = app
        .visitor()
        .get(&format!("/inbjudan/{}", "ab".repeat(32)))
        .await;
    assert!(unknown.text.contains("Länken har gått ut"));
    let user = app.user_id("ny.rapportor@example.se").await;
    let actions = app.actions_on(user).await;
    for action in [
        AuditAction::UserAdded,
        AuditAction::InvitationSent,
        AuditAction::InvitationUsed,
    ] {
        assert!(
            actions.contains(&action.code().to_owned()),
            "{action:?}: {actions:?}"
        );
    }
}
story!(an_invitation_sets_the_password_once);

/// A link works for seven days; a new invitation makes the older link stop working.
async fn invitation_links_expire_and_are_replaced(app: TestApp) {
    let coordinator = app.signed_in("samordnare@example.se").await;
    let invite = |email: &'static str| {
        let coordinator = &coordinator;
        async move {
            coordinator
                .post_with_csrf(
                    "/personer/ny",
                    &[("email", email), ("name", "Läs Läsare"), ("role", "reader")],
                )
                .await
        }
    };
    assert_eq!(
        invite("first@example.se").await.status,
        StatusCode::SEE_OTHER
    );
    let first = app.invitation_link("first@example.se").await;
    let user = app.user_id("first@example.se").await;
    let page = coordinator.get(&format!("/personer/{user}")).await;
    assert!(page.text.contains("Skicka ny inbjudan"));
    let resent = coordinator
        .post_with_csrf(&format!("/personer/{user}/inbjudan"), &[("send", "1")])
        .await;
    assert_eq!(resent.status, StatusCode::SEE_OTHER);
    let second = app.invitation_link("first@example.se").await;
    assert_ne!(first, second);
    assert_eq!(
        app.visitor().get(&first).await.status,
        StatusCode::NOT_FOUND,
        "replaced"
    );
    assert_eq!(app.visitor().get(&second).await.status, StatusCode::OK);

    app.clock
        .advance(jiff::SignedDuration::from_hours(7 * 24 + 1));
    let expired = app.visitor().get(&second).await;
    assert_eq!(expired.status, StatusCode::NOT_FOUND);
    assert!(expired.text.contains("Länken har gått ut"));
    let use_it = app
        .visitor()
        .post_form(
            &second,
            &[("password", NEW_PASSWORD), ("again", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(use_it.status, StatusCode::NOT_FOUND);
    let stored = app
        .store
        .person(user)
        .await
        .expect("person")
        .expect("person");
    assert!(!stored.has_password, "nothing set");
}
story!(invitation_links_expire_and_are_replaced);

/// Each bad invitation is refused with its message, what was typed kept, no account made.
async fn bad_invitations_change_nothing(app: TestApp) {
    let coordinator = app.signed_in("samordnare@example.se").await;
    let before = app.store.people().await.expect("people").len();
    for (fields, message) in [
        (
            vec![
                ("email", "inte-en-adress"),
                ("name", "Eva"),
                ("role", "reader"),
            ],
            "Ange e-postadressen i rätt format",
        ),
        (
            vec![
                ("email", "eva@example.se"),
                ("name", ""),
                ("role", "reader"),
            ],
            "Ange ett namn.",
        ),
        (
            vec![
                ("email", "SAMORDNARE@example.se"),
                ("name", "Eva"),
                ("role", "reader"),
            ],
            "Det finns redan ett konto med den e-postadressen",
        ),
        (
            vec![
                ("email", "eva@example.se"),
                ("name", "Eva"),
                ("role", "reporter"),
                ("body-99999", "1"),
            ],
            "finns inte eller är inaktiverat",
        ),
        (
            vec![
                ("email", "eva@example.se"),
                ("name", "Eva"),
                ("role", "reporter"),
            ],
            "minst ett organ",
        ),
        (
            vec![
                ("email", "eva@example.se"),
                ("name", "Eva"),
                ("role", "admin"),
            ],
            "Bara en administratör kan",
        ),
    ] {
        let refused = coordinator.post_with_csrf("/personer/ny", &fields).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{message}"
        );
        assert!(
            refused.text.contains(message),
            "{message}: {}",
            refused.text
        );
        assert!(
            refused.text.contains(&format!("value=\"{}\"", fields[0].1)),
            "kept"
        );
    }
    assert_eq!(app.store.people().await.expect("people").len(), before);
    let forged = coordinator
        .post_form(
            "/personer/ny",
            &[
                ("csrf", "fel"),
                ("email", "x@example.se"),
                ("name", "X"),
                ("role", "reader"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(app.store.people().await.expect("people").len(), before);
}
story!(bad_invitations_change_nothing);

/// Deactivating Bromma's reporter ends their session at once and they cannot sign in; the
/// coordinator can neither deactivate themselves nor touch an administrator; reporters and
/// readers reach none of these pages.
async fn deactivated_accounts_are_signed_out(app: TestApp) {
    let coordinator = app.signed_in("samordnare@example.se").await;
    let bromma = app.signed_in("bromma@example.se").await;
    assert_eq!(bromma.get("/rapporter").await.status, StatusCode::OK);
    let id = app.user_id("bromma@example.se").await;
    let page = coordinator.get(&format!("/personer/{id}")).await;
    assert!(page.text.contains("Inaktivera kontot"));
    let off = coordinator
        .post_with_csrf(&format!("/personer/{id}/aktiv"), &[("active", "0")])
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    let after = bromma.get("/rapporter").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "signed out at once");
    assert!(after.location.is_some_and(|l| l.starts_with("/logga-in")));
    let again = app
        .visitor()
        .sign_in_with("bromma@example.se", PASSWORD)
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(
        app.actions_on(id)
            .await
            .contains(&"user_deactivated".to_owned())
    );
    let list = coordinator.get("/personer").await;
    assert!(list.text.contains("Inaktiverat"));
    let on = coordinator
        .post_with_csrf(&format!("/personer/{id}/aktiv"), &[("active", "1")])
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);
    let mut back = app.visitor();
    assert_eq!(
        back.sign_in_with("bromma@example.se", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // Renamed and moved to reading only, which the session shows at once.
    let renamed = coordinator
        .post_with_csrf(
            &format!("/personer/{id}"),
            &[("name", "Bo Bromma"), ("role", "reader")],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.text);
    let home = back.get("/tillganglighet").await;
    assert!(home.text.contains("Bo Bromma") && home.text.contains("(Läsare)"));

    let own = app.user_id("samordnare@example.se").await;
    let myself = coordinator
        .post_with_csrf(&format!("/personer/{own}/aktiv"), &[("active", "0")])
        .await;
    assert_eq!(myself.status, StatusCode::UNPROCESSABLE_ENTITY);
    let own_role = coordinator
        .post_with_csrf(
            &format!("/personer/{own}"),
            &[("name", "Sam"), ("role", "reader")],
        )
        .await;
    assert_eq!(own_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    let still = coordinator.get("/personer").await;
    assert_eq!(still.status, StatusCode::OK, "still signed in");

    for (email, path) in [
        ("skarholmen@example.se", "/organ"),
        ("skarholmen@example.se", "/personer"),
        ("lasare@example.se", "/organ/ny"),
        ("lasare@example.se", &format!("/personer/{own}")),
    ] {
        let other = app.signed_in(email).await;
        assert_eq!(
            other.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{email} {path}"
        );
    }
    let reporter = app.signed_in("skarholmen@example.se").await;
    let tried = reporter
        .post_with_csrf(&format!("/personer/{id}/aktiv"), &[("active", "0")])
        .await;
    assert_eq!(tried.status, StatusCode::FORBIDDEN);
}
story!(deactivated_accounts_are_signed_out);
