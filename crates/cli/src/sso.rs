//! Single sign-on's settings for `tertial serve` and `tertial demo`: the organisation's
//! OpenID Connect provider, how its groups map to Tertial's roles and bodies, and who may
//! still sign in with a password.

use clap::Args;
use tertial_app::tertial_oidc::{Client, Config};
use tertial_app::{App, Sso};
use tertial_domain::sso::{GroupMapping, LocalPasswords};

#[derive(Debug, Args)]
pub struct SsoArgs {
    /// The OpenID Connect provider's issuer URL (Entra ID, Keycloak, ADFS, …); single
    /// sign-on is on when it is given. Register Tertial there with the redirect URI
    /// <public URL>/logga-in/sso/klar and the post-logout redirect URI <public URL>/logga-in.
    #[arg(long, env = "TERTIAL_SSO_ISSUER")]
    pub sso_issuer: Option<String>,
    /// Tertial's client id at the provider.
    #[arg(long, env = "TERTIAL_SSO_CLIENT_ID")]
    pub sso_client_id: Option<String>,
    /// Tertial's client secret at the provider (prefer the environment variable).
    #[arg(long, env = "TERTIAL_SSO_CLIENT_SECRET", hide_env_values = true)]
    pub sso_client_secret: Option<String>,
    /// Scopes asked for besides openid, comma-separated.
    #[arg(
        long,
        env = "TERTIAL_SSO_SCOPES",
        default_value = "email,profile",
        value_delimiter = ','
    )]
    pub sso_scopes: Vec<String>,
    /// The ID token's claim that carries the e-mail address.
    #[arg(long, env = "TERTIAL_SSO_EMAIL_CLAIM", default_value = "email")]
    pub sso_email_claim: String,
    /// The ID token's claim that carries the person's groups (or roles).
    #[arg(long, env = "TERTIAL_SSO_GROUPS_CLAIM", default_value = "groups")]
    pub sso_groups_claim: String,
    /// A group mapped to a role, and for reporters to a body by its short name or name:
    /// `samordnare=coordinator`, `sdn-skarholmen=reporter:Skärholmen`. Repeat the flag (or
    /// separate with `;` in the variable); a person in several groups gets the highest role
    /// and, as a reporter, every body of their groups.
    #[arg(long = "sso-group", env = "TERTIAL_SSO_GROUPS", value_delimiter = ';')]
    pub sso_groups: Vec<GroupMapping>,
    /// The name on the sign-in page's button, "Logga in med <name>"; by default
    /// --organisation.
    #[arg(long, env = "TERTIAL_SSO_NAME")]
    pub sso_name: Option<String>,
    /// Who may sign in with a password: on (everyone), off (no one), or
    /// only:admin@example.se,… (break-glass accounts for when the provider is down).
    #[arg(long, env = "TERTIAL_LOCAL_PASSWORDS", default_value = "on")]
    pub local_passwords: LocalPasswords,
}

impl SsoArgs {
    /// Adds single sign-on to the application, if configured; refuses settings that cannot
    /// work, at start.
    pub fn apply(
        &self,
        app: App,
        public_url: &str,
        organisation: Option<&str>,
    ) -> Result<App, String> {
        let Some(issuer) = &self.sso_issuer else {
            if self.local_passwords != LocalPasswords::On {
                return Err("--local-passwords needs single sign-on (--sso-issuer): \
                            otherwise nobody could sign in"
                    .into());
            }
            return Ok(app);
        };
        let (Some(id), Some(secret)) = (&self.sso_client_id, &self.sso_client_secret) else {
            return Err("--sso-issuer needs --sso-client-id and --sso-client-secret".into());
        };
        if self.sso_groups.is_empty() {
            return Err(
                "--sso-issuer needs at least one --sso-group: without a mapping \
                        nobody is given a role"
                    .into(),
            );
        }
        let redirect = format!("{public_url}/logga-in/sso/klar");
        let mut config = Config::new(issuer, id, secret, &redirect);
        config.scopes = self.sso_scopes.clone();
        let client = Client::new(config).map_err(|e| e.to_string())?;
        let organisation = self
            .sso_name
            .as_deref()
            .or(organisation)
            .unwrap_or("organisationens konto")
            .to_owned();
        Ok(app.with_sso(Sso {
            client,
            organisation,
            email_claim: self.sso_email_claim.clone(),
            groups_claim: self.sso_groups_claim.clone(),
            groups: self.sso_groups.clone(),
        }))
    }
}
