//! The GDPR information's details (`/personuppgifter`), from flags or the environment.

use clap::Args;

#[derive(Debug, Args)]
pub struct PrivacyArgs {
    /// Who is responsible for the personal data in Tertial (personuppgiftsansvarig), in the
    /// GDPR information; by default the organisation.
    #[arg(long, env = "TERTIAL_PRIVACY_CONTROLLER")]
    privacy_controller: Option<String>,
    /// Where to ask about one's personal data (an e-mail address or an https:// address).
    #[arg(long, env = "TERTIAL_PRIVACY_CONTACT")]
    privacy_contact: Option<tertial_web::Contact>,
    /// The data protection officer's e-mail or https:// address.
    #[arg(long, env = "TERTIAL_PRIVACY_DPO")]
    privacy_dpo: Option<tertial_web::Contact>,
    /// Why personal data is processed, in the organisation's words (the legal basis); by
    /// default a public task and archiving.
    #[arg(long, env = "TERTIAL_PRIVACY_LEGAL_BASIS")]
    privacy_legal_basis: Option<String>,
    /// How long personal data is kept, in the organisation's words.
    #[arg(long, env = "TERTIAL_PRIVACY_RETENTION")]
    privacy_retention: Option<String>,
}

impl PrivacyArgs {
    pub fn privacy(&self) -> tertial_web::Privacy {
        tertial_web::Privacy {
            controller: self.privacy_controller.clone(),
            contact: self.privacy_contact.clone(),
            data_protection_officer: self.privacy_dpo.clone(),
            legal_basis: self.privacy_legal_basis.clone(),
            retention: self.privacy_retention.clone(),
        }
    }
}
