//! Newtype ids, so that a raw integer never crosses a layer.

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    };
}

id!(
    /// A person who signs in.
    UserId
);
id!(
    /// A reporting body: a committee or a company board.
    BodyId
);
id!(
    /// A follow-up (uppföljning).
    FollowUpId
);
id!(
    /// A round (omgång): a follow-up in one period of one year.
    RoundId
);
id!(
    /// One body's report in one round.
    ReportId
);
id!(
    /// A mail in the outbox.
    MailId
);
id!(
    /// An actor in the register (an organisation named in answers).
    ActorId
);
