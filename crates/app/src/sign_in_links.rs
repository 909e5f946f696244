//! Sign-in links by e-mail for reporters outside the organisation's directory. Asking for
//! one answers the same whether or not the address has an account (the web layer shows one
//! text); the link works once, for 15 minutes, only in the browser that asked (a random
//! value in its cookie, whose hash is stored with the link), and opening it shows a page
//! with a button, so that a mail scanner that fetches links does not use it up.

use std::net::IpAddr;

use tertial_documents::mail::{SignInLinkMail, sign_in_link};
use tertial_domain::sign_in_link::{
    ADDRESS_FREE_REQUESTS, CLIENT_FREE_REQUESTS, LinkRefusal, LinkState, VALID, judge,
};
use tertial_domain::validate::is_valid_email;
use tertial_domain::{AuditAction, AuditSubject, NewAuditEntry, Role, throttle};
use tertial_store::{NewSignInLink, NewStoredSession, SignInLinkRecord};

use crate::auth::{NewSession, random_token, token_hash};
use crate::{App, AppError, Result};

impl App {
    /// A new random value for the cookie that binds links to the browser that asks.
    pub fn new_browser_binding(&self) -> Result<String> {
        random_token()
    }

    /// Asks for a sign-in link for `email` from the browser whose cookie holds `browser`.
    /// A link is mailed only to an active reporter's address, and only while neither the
    /// address nor the client has asked too often; whatever happens, the answer is the same,
    /// and the audit log says which it was.
    pub async fn request_sign_in_link(
        &self,
        email: &str,
        browser: &str,
        client: Option<IpAddr>,
    ) -> Result<()> {
        let email = email.trim().to_lowercase();
        let address = format!("link-address:{email}");
        let client = client.map(|ip| format!("link-client:{ip}"));
        let mut keyed = vec![(address.as_str(), ADDRESS_FREE_REQUESTS)];
        if let Some(client) = &client {
            keyed.push((client.as_str(), CLIENT_FREE_REQUESTS));
        }
        let keys: Vec<&str> = keyed.iter().map(|(key, _)| *key).collect();
        let at = self.now();
        let forget_before = at - throttle::FORGET_AFTER;
        let before = self.store.sign_in_failures(&keys, forget_before).await?;
        let throttled = keyed
            .iter()
            .zip(&before)
            .any(|((_, free), (asked, last))| (*last + throttle::wait_after(*asked, *free)) > at);
        // Every request is counted, a throttled one too (so asking on and on only waits
        // longer), and the throttled ones are written down as failed sign-ins are: not
        // one by one.
        let counts = self
            .store
            .count_sign_in_failure(&keys, at, forget_before)
            .await?;
        let plausible = is_valid_email(&email);
        let shown = if plausible {
            email.as_str()
        } else {
            "(ingen giltig adress)"
        };
        let entry = |outcome: &str| {
            NewAuditEntry::new(None, AuditAction::SignInLinkRequested, AuditSubject::SignIn)
                .with_detail(format!("email={shown} outcome={outcome}"))
        };
        if throttled {
            // The first request beyond the free ones, and every tenth after it.
            let worth_noting = keyed
                .iter()
                .zip(&counts)
                .any(|((_, free), n)| *n > *free && throttle::audit_failure(*n - *free, 1));
            if worth_noting {
                self.store.append_audit(&entry("throttled"), at).await?;
            }
            return Ok(());
        }
        let account = if plausible {
            self.store.user_by_email(&email).await?
        } else {
            None
        };
        let Some(account) = account.filter(|a| a.active && a.actor.role == Role::Reporter) else {
            self.store.append_audit(&entry("no_reporter"), at).await?;
            return Ok(());
        };
        let token = random_token()?;
        let link = NewSignInLink {
            user: account.actor.id,
            token_hash: token_hash(&token),
            browser_hash: token_hash(browser),
            expires_at: at + VALID,
        };
        let address = format!(
            "{}/inloggningslank/{token}",
            self.settings.public_url.trim_end_matches('/')
        );
        let mail = sign_in_link(&SignInLinkMail {
            organisation: self.settings.organisation.as_deref(),
            name: &account.actor.name,
            email: &account.actor.email,
            link: &address,
            expires: link.expires_at,
            token_hash: &link.token_hash,
        });
        let entry = NewAuditEntry {
            subject: AuditSubject::User(account.actor.id),
            ..entry("sent")
        };
        self.store
            .send_sign_in_link(&link, &mail, &entry, at)
            .await?;
        Ok(())
    }

    /// The address a link signs in as, opened by the browser whose cookie holds `browser`;
    /// or why it does not, noted in the audit log. Unknown links are counted per client,
    /// and a client that tries many must wait, as with invitations.
    pub async fn sign_in_link(
        &self,
        token: &str,
        browser: Option<&str>,
        client: Option<IpAddr>,
    ) -> Result<Result<String, LinkRefusal>> {
        let (record, judged) = self.judged_link(token, browser, client).await?;
        match (record, judged) {
            (Some(record), Ok(())) => Ok(Ok(record.email)),
            (record, Err(refusal)) => self.refused_link(record.as_ref(), refusal).await,
            (None, Ok(())) => Err(AppError::Internal("a link judged without a record".into())),
        }
    }

    /// Signs in with a link, which is used up in the transaction that starts the session.
    pub async fn sign_in_with_link(
        &self,
        token: &str,
        browser: Option<&str>,
        client: Option<IpAddr>,
    ) -> Result<Result<NewSession, LinkRefusal>> {
        let (record, judged) = self.judged_link(token, browser, client).await?;
        let (Some(record), Ok(())) = (&record, judged) else {
            let refusal = judged.err().unwrap_or(LinkRefusal::Unknown);
            return self.refused_link(record.as_ref(), refusal).await;
        };
        let session = NewSession {
            token: random_token()?,
            csrf_token: random_token()?,
        };
        let at = self.now();
        let stored = NewStoredSession {
            token_hash: &token_hash(&session.token),
            csrf_token: &session.csrf_token,
            expires_at: self.expiry(at, at),
        };
        let browser_hash = token_hash(browser.unwrap_or_default());
        match self
            .store
            .sign_in_with_link(&token_hash(token), &browser_hash, &stored, at)
            .await?
        {
            Some(_) => Ok(Ok(session)),
            // Used by a second press of the button a moment ago.
            None => self.refused_link(Some(record), LinkRefusal::Used).await,
        }
    }

    /// The stored link and whether it signs in now from this browser.
    async fn judged_link(
        &self,
        token: &str,
        browser: Option<&str>,
        client: Option<IpAddr>,
    ) -> Result<(Option<SignInLinkRecord>, Result<(), LinkRefusal>)> {
        let key = match client {
            Some(ip) => format!("link-open:{ip}"),
            None => "link-open:unknown".to_owned(),
        };
        self.token_throttle(&key).await?;
        let Some(record) = self.store.sign_in_link(&token_hash(token)).await? else {
            self.token_failed(&key).await?;
            return Ok((None, Err(LinkRefusal::Unknown)));
        };
        let browser = browser.map(token_hash);
        let state = LinkState {
            used: record.used,
            expires_at: record.expires_at,
            account_active: record.account_active,
            browser_hash: &record.browser_hash,
        };
        let judged = judge(&state, browser.as_deref(), self.now());
        Ok((Some(record), judged))
    }

    /// Notes a refused link in the audit log and returns the refusal.
    async fn refused_link<T>(
        &self,
        record: Option<&SignInLinkRecord>,
        refusal: LinkRefusal,
    ) -> Result<Result<T, LinkRefusal>> {
        let subject = record.map_or(AuditSubject::SignIn, |r| AuditSubject::User(r.user));
        let entry = NewAuditEntry::new(None, AuditAction::SignInLinkRefused, subject)
            .with_detail(format!("reason={}", refusal.code()));
        self.store.append_audit(&entry, self.now()).await?;
        Ok(Err(refusal))
    }
}

/// A sign-in link's mail as the outbox shows it: without the link. Coordinators read the
/// outbox, and one who asked for a reporter's link from their own browser would otherwise
/// find the link there and sign in as the reporter.
pub(crate) fn without_link(mut mail: tertial_store::MailRecord) -> tertial_store::MailRecord {
    if mail.kind != tertial_domain::MailKind::SignInLink {
        return mail;
    }
    const PATH: &str = "/inloggningslank/";
    let mut shown = String::with_capacity(mail.body.len());
    let mut rest = mail.body.as_str();
    while let Some(at) = rest.find(PATH) {
        let after = &rest[at + PATH.len()..];
        let token_end = after
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(after.len());
        shown.push_str(&rest[..at + PATH.len()]);
        shown.push_str("(dold: länken visas bara för mottagaren)");
        rest = &after[token_end..];
    }
    shown.push_str(rest);
    mail.body = shown;
    mail
}
