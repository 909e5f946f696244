//! Sign-in links by e-mail, for reporters outside the organisation's directory: how long a
//! link works, how often one may be asked for, and why a link does not sign in.

use jiff::SignedDuration;

use crate::Timestamp;

/// How long a sign-in link works after it was asked for.
pub const VALID: SignedDuration = SignedDuration::from_mins(15);

/// Links asked for one address before each further request must wait (then 1 s, doubling,
/// as failed sign-ins do: [`crate::throttle::wait_after`]).
pub const ADDRESS_FREE_REQUESTS: i64 = 3;

/// Links asked for from one client (any addresses) before each further request must wait.
pub const CLIENT_FREE_REQUESTS: i64 = 10;

/// Why a link does not sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    /// No such link (mistyped, cut short), or its account is no longer active.
    Unknown,
    /// Already used to sign in.
    Used,
    /// Older than [`VALID`].
    Expired,
    /// Opened in another browser than the one that asked for it.
    OtherBrowser,
}

impl LinkRefusal {
    /// As the audit log's detail names it.
    pub fn code(self) -> &'static str {
        match self {
            LinkRefusal::Unknown => "unknown",
            LinkRefusal::Used => "used",
            LinkRefusal::Expired => "expired",
            LinkRefusal::OtherBrowser => "other_browser",
        }
    }
}

/// What is known of a stored link when it is opened.
#[derive(Debug, Clone, Copy)]
pub struct LinkState<'a> {
    pub used: bool,
    pub expires_at: Timestamp,
    pub account_active: bool,
    /// The hash stored with the link, of the cookie of the browser that asked.
    pub browser_hash: &'a str,
}

/// Whether a link signs in `now`, opened by a browser whose cookie hashes to `browser`
/// (`None`: the browser has no such cookie). A used link says so before an expired one, and
/// both before the browser is looked at: whoever holds an old link learns nothing new.
pub fn judge(
    link: &LinkState<'_>,
    browser: Option<&str>,
    now: Timestamp,
) -> Result<(), LinkRefusal> {
    if !link.account_active {
        Err(LinkRefusal::Unknown)
    } else if link.used {
        Err(LinkRefusal::Used)
    } else if link.expires_at <= now {
        Err(LinkRefusal::Expired)
    } else if browser != Some(link.browser_hash) {
        Err(LinkRefusal::OtherBrowser)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_signs_in_once_in_time_in_its_browser() {
        let now = Timestamp::UNIX_EPOCH + SignedDuration::from_hours(1);
        let fresh = LinkState {
            used: false,
            expires_at: now + SignedDuration::from_mins(1),
            account_active: true,
            browser_hash: "b",
        };
        assert_eq!(judge(&fresh, Some("b"), now), Ok(()));
        assert_eq!(
            judge(&fresh, Some("c"), now),
            Err(LinkRefusal::OtherBrowser)
        );
        assert_eq!(judge(&fresh, None, now), Err(LinkRefusal::OtherBrowser));
        let late = now + SignedDuration::from_mins(1);
        assert_eq!(judge(&fresh, Some("b"), late), Err(LinkRefusal::Expired));
        let used = LinkState {
            used: true,
            ..fresh
        };
        assert_eq!(judge(&used, Some("c"), late), Err(LinkRefusal::Used));
        let gone = LinkState {
            account_active: false,
            ..fresh
        };
        assert_eq!(judge(&gone, Some("b"), now), Err(LinkRefusal::Unknown));
    }
}
