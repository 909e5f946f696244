//! The report: the reporter's form (autosave, conflicts, submit), its read-only views, the
//! receipt, and the coordinator's view of what was submitted.

mod kept;
mod posting;
mod preview;
mod review;
mod versions;
mod view;

pub(crate) use kept::review_kept;
pub use posting::{autosave, post_form};
pub use preview::preview_follow_up;
pub use review::{approve_report, ask_to_reopen, decide_reopen, reopen_page, return_report};
pub use versions::submission;
pub use view::show;
