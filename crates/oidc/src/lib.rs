//! Tertial as an OpenID Connect relying party: discovery, the authorization code flow with
//! PKCE, the ID token's checks (signature by the provider's published keys, issuer,
//! audience, expiry, and the nonce handed back to the caller), and RP-initiated sign-out.
//!
//! Every call to the provider is bounded: a timeout for the whole exchange, no redirects
//! followed, and at most `max_response_bytes` read. The provider's keys are cached; a token
//! signed with a key id not among them makes us fetch the keys again (the provider rotated
//! them), but no more often than `jwks_refetch_after`, so tokens with made-up key ids cannot
//! make us hammer the provider.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode, header};
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

/// How we are registered with the provider, and our bounds on talking to it.
#[derive(Debug, Clone)]
pub struct Config {
    /// The issuer URL, exactly as the provider writes it in its tokens.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Where the provider sends the browser back with the code.
    pub redirect_uri: String,
    /// Scopes asked for besides `openid` (e.g. `email`, `profile`, `groups`).
    pub scopes: Vec<String>,
    /// The longest any one call to the provider may take.
    pub timeout: Duration,
    /// The most read of any one answer from the provider.
    pub max_response_bytes: usize,
    /// Keys are fetched again for an unknown key id at most this often.
    pub jwks_refetch_after: Duration,
    /// Clock difference tolerated between us and the provider, in seconds.
    pub leeway_seconds: i64,
}

impl Config {
    /// A configuration with the usual bounds: 10 s per call, 1 MiB per answer, keys
    /// refetched at most once a minute, a minute's leeway.
    pub fn new(issuer: &str, client_id: &str, client_secret: &str, redirect_uri: &str) -> Config {
        Config {
            issuer: issuer.to_owned(),
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            scopes: vec!["email".into(), "profile".into()],
            timeout: Duration::from_secs(10),
            max_response_bytes: 1024 * 1024,
            jwks_refetch_after: Duration::from_secs(60),
            leeway_seconds: 60,
        }
    }
}

/// What the provider's discovery document says, as far as we use it.
#[derive(Debug, Clone, Deserialize)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    pub end_session_endpoint: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The provider could not be reached, answered with an error, or said something we
    /// could not read.
    #[error("identity provider: {0}")]
    Provider(String),
    /// The ID token is refused.
    #[error("ID token refused: {0:?}")]
    Token(TokenProblem),
}

/// Why an ID token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// Not a signed JWT with the claims an ID token must have.
    Malformed,
    /// Unsigned, or signed with a shared secret or an algorithm we do not accept.
    UnsupportedAlgorithm,
    /// Signed with a key the provider does not publish.
    UnknownKey,
    /// The signature does not match.
    BadSignature,
    WrongIssuer,
    /// Issued for another client.
    WrongAudience,
    Expired,
    /// Issued later than now (beyond the leeway).
    IssuedInFuture,
}

/// A verified ID token.
#[derive(Debug, Clone)]
pub struct IdToken {
    /// As received: for `id_token_hint` when signing out.
    pub raw: String,
    pub subject: String,
    pub nonce: Option<String>,
    pub claims: Map<String, Value>,
}

/// The provider as we know it: its discovery document and keys, cached.
pub struct Client {
    config: Config,
    http: HttpClient<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>,
    metadata: Mutex<Option<(Arc<Metadata>, Instant)>>,
    keys: Mutex<Keys>,
}

#[derive(Default)]
struct Keys {
    set: Option<JwkSet>,
    fetched: Option<Instant>,
}

/// The discovery document is read again after this long.
const METADATA_TTL: Duration = Duration::from_secs(3600);

impl Client {
    pub fn new(config: Config) -> Result<Client, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = hyper_rustls::HttpsConnectorBuilder::new();
        let builder = match builder.with_provider_and_native_roots(provider.clone()) {
            Ok(builder) => builder,
            Err(e) => {
                // No trusted authorities on this machine: a provider over plain HTTP still
                // works (tests), one over HTTPS fails with a clear error when asked.
                tracing::warn!(error = %e, "no trusted certificate authorities found");
                let tls = rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .map_err(|e| Error::Provider(format!("TLS: {e}")))?
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth();
                hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls)
            }
        };
        let connector = builder.https_or_http().enable_http1().build();
        let http = HttpClient::builder(TokioExecutor::new()).build(connector);
        Ok(Client {
            config,
            http,
            metadata: Mutex::default(),
            keys: Mutex::default(),
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The issuer's origin (`https://idp.example`), which forms may post to: signing out
    /// goes on to the provider.
    pub fn origin(&self) -> Option<String> {
        let url = url::Url::parse(&self.config.issuer).ok()?;
        Some(url.origin().ascii_serialization())
    }

    /// The discovery document, fetched once an hour at most.
    pub async fn metadata(&self) -> Result<Arc<Metadata>, Error> {
        let mut cached = self.metadata.lock().await;
        if let Some((metadata, at)) = cached.as_ref()
            && at.elapsed() < METADATA_TTL
        {
            return Ok(metadata.clone());
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.config.issuer.trim_end_matches('/')
        );
        let metadata: Metadata = self.get_json(&url).await?;
        if metadata.issuer != self.config.issuer {
            return Err(Error::Provider(format!(
                "discovery names the issuer {:?}, configured {:?}",
                metadata.issuer, self.config.issuer
            )));
        }
        let metadata = Arc::new(metadata);
        *cached = Some((metadata.clone(), Instant::now()));
        Ok(metadata)
    }

    /// Where to send the browser to sign in.
    pub async fn authorization_url(
        &self,
        state: &str,
        nonce: &str,
        pkce_verifier: &str,
    ) -> Result<String, Error> {
        let metadata = self.metadata().await?;
        let mut url = parse_url(&metadata.authorization_endpoint)?;
        let scope = std::iter::once("openid")
            .chain(
                self.config
                    .scopes
                    .iter()
                    .map(String::as_str)
                    .filter(|s| *s != "openid"),
            )
            .collect::<Vec<_>>()
            .join(" ");
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", &self.config.redirect_uri)
            .append_pair("scope", &scope)
            .append_pair("state", state)
            .append_pair("nonce", nonce)
            .append_pair("code_challenge", &pkce_challenge(pkce_verifier))
            .append_pair("code_challenge_method", "S256");
        Ok(url.into())
    }

    /// Exchanges the code from the callback for tokens, and verifies the ID token.
    /// `now` is the time in seconds since the epoch.
    pub async fn redeem(
        &self,
        code: &str,
        pkce_verifier: &str,
        now: i64,
    ) -> Result<IdToken, Error> {
        #[derive(Deserialize)]
        struct TokenAnswer {
            id_token: Option<String>,
            error: Option<String>,
        }
        let metadata = self.metadata().await?;
        let body: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "authorization_code")
            .append_pair("code", code)
            .append_pair("redirect_uri", &self.config.redirect_uri)
            .append_pair("code_verifier", pkce_verifier)
            .finish();
        let credentials = format!(
            "{}:{}",
            form_encode(&self.config.client_id),
            form_encode(&self.config.client_secret)
        );
        let basic = base64::engine::general_purpose::STANDARD.encode(credentials);
        let request = Request::builder()
            .method(Method::POST)
            .uri(&metadata.token_endpoint)
            .header(header::AUTHORIZATION, format!("Basic {basic}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| Error::Provider(format!("token request: {e}")))?;
        let (status, body) = self.send(request).await?;
        let answer: TokenAnswer = json(&body)?;
        let id_token = match (status.is_success(), answer.id_token) {
            (true, Some(token)) => token,
            (_, _) => {
                return Err(Error::Provider(format!(
                    "token endpoint answered {status}: {}",
                    answer.error.as_deref().unwrap_or("no ID token")
                )));
            }
        };
        self.verify(&id_token, now).await
    }

    /// Verifies an ID token's signature and claims (all but the nonce, which the caller
    /// compares with the one it sent).
    pub async fn verify(&self, raw: &str, now: i64) -> Result<IdToken, Error> {
        let header =
            jsonwebtoken::decode_header(raw).map_err(|_| token(TokenProblem::Malformed))?;
        if !ACCEPTED.contains(&header.alg) {
            return Err(token(TokenProblem::UnsupportedAlgorithm));
        }
        let key = self.key(header.kid.as_deref()).await?;
        let mut validation = Validation::new(header.alg);
        // The claims are checked below, by our clock and with our reasons.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        let data = jsonwebtoken::decode::<Map<String, Value>>(raw, &key, &validation).map_err(
            |e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::Json(_)
                | jsonwebtoken::errors::ErrorKind::Base64(_)
                | jsonwebtoken::errors::ErrorKind::Utf8(_)
                | jsonwebtoken::errors::ErrorKind::InvalidToken => token(TokenProblem::Malformed),
                _ => token(TokenProblem::BadSignature),
            },
        )?;
        let claims = data.claims;
        check_claims(&claims, &self.config, now).map_err(token)?;
        let subject = claims
            .get("sub")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or(token(TokenProblem::Malformed))?
            .to_owned();
        let nonce = claims
            .get("nonce")
            .and_then(Value::as_str)
            .map(str::to_owned);
        Ok(IdToken {
            raw: raw.to_owned(),
            subject,
            nonce,
            claims,
        })
    }

    /// Where to send the browser to end its session at the provider too, if the provider
    /// supports it.
    pub async fn end_session_url(
        &self,
        id_token_hint: &str,
        post_logout_redirect_uri: &str,
    ) -> Result<Option<String>, Error> {
        let metadata = self.metadata().await?;
        let Some(endpoint) = metadata.end_session_endpoint.as_deref() else {
            return Ok(None);
        };
        let mut url = parse_url(endpoint)?;
        url.query_pairs_mut()
            .append_pair("id_token_hint", id_token_hint)
            .append_pair("post_logout_redirect_uri", post_logout_redirect_uri)
            .append_pair("client_id", &self.config.client_id);
        Ok(Some(url.into()))
    }

    /// The provider's key with this id, fetching the keys again if it is unknown and they
    /// were not fetched within the bound.
    async fn key(&self, kid: Option<&str>) -> Result<DecodingKey, Error> {
        let mut keys = self.keys.lock().await;
        if keys.set.is_none() {
            self.fetch_keys(&mut keys).await?;
        }
        if let Some(key) = keys.find(kid) {
            return key;
        }
        let may_refetch = keys
            .fetched
            .is_none_or(|at| at.elapsed() >= self.config.jwks_refetch_after);
        if may_refetch {
            tracing::info!(?kid, "unknown key id: fetching the provider's keys again");
            self.fetch_keys(&mut keys).await?;
            if let Some(key) = keys.find(kid) {
                return key;
            }
        }
        Err(token(TokenProblem::UnknownKey))
    }

    async fn fetch_keys(&self, keys: &mut Keys) -> Result<(), Error> {
        let metadata = self.metadata().await?;
        // Counted as fetched even when it fails: a provider that is down is not asked again
        // at once for each token.
        keys.fetched = Some(Instant::now());
        keys.set = Some(self.get_json(&metadata.jwks_uri).await?);
        Ok(())
    }

    async fn get_json<T: DeserializeOwned>(&self, url: &str) -> Result<T, Error> {
        let request = Request::builder()
            .uri(url)
            .header(header::ACCEPT, "application/json")
            .body(Full::default())
            .map_err(|e| Error::Provider(format!("{url}: {e}")))?;
        let (status, body) = self.send(request).await?;
        if !status.is_success() {
            return Err(Error::Provider(format!("{url} answered {status}")));
        }
        json(&body)
    }

    /// Sends a request and reads its answer, within the timeout and the size bound.
    async fn send(&self, request: Request<Full<Bytes>>) -> Result<(StatusCode, Bytes), Error> {
        let url = request.uri().to_string();
        let max = self.config.max_response_bytes;
        let exchange = async {
            let response = self
                .http
                .request(request)
                .await
                .map_err(|e| Error::Provider(format!("{url}: {e}")))?;
            let status = response.status();
            let body = Limited::new(response.into_body(), max)
                .collect()
                .await
                .map_err(|e| {
                    if e.is::<http_body_util::LengthLimitError>() {
                        Error::Provider(format!("{url}: answer larger than {max} bytes"))
                    } else {
                        Error::Provider(format!("{url}: reading the answer: {e}"))
                    }
                })?
                .to_bytes();
            Ok((status, body))
        };
        tokio::time::timeout(self.config.timeout, exchange)
            .await
            .map_err(|_| {
                Error::Provider(format!("{url}: no answer within {:?}", self.config.timeout))
            })?
    }
}

fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| Error::Provider(format!("unreadable answer: {e}")))
}

impl Keys {
    fn find(&self, kid: Option<&str>) -> Option<Result<DecodingKey, Error>> {
        let set = self.set.as_ref()?;
        let jwk = match kid {
            Some(kid) => set.find(kid)?,
            // Without a key id, only a provider with a single key is unambiguous.
            None if set.keys.len() == 1 => set.keys.first()?,
            None => return None,
        };
        Some(DecodingKey::from_jwk(jwk).map_err(|_| token(TokenProblem::UnknownKey)))
    }
}

/// Signatures by the provider's published public keys only: never `none`, never a shared
/// secret (`HS256`), which would let anyone holding the client secret mint tokens.
const ACCEPTED: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

fn token(problem: TokenProblem) -> Error {
    Error::Token(problem)
}

/// The issuer, audience and times of an ID token (OpenID Connect Core 3.1.3.7).
pub fn check_claims(
    claims: &Map<String, Value>,
    config: &Config,
    now: i64,
) -> Result<(), TokenProblem> {
    if claims.get("iss").and_then(Value::as_str) != Some(config.issuer.as_str()) {
        return Err(TokenProblem::WrongIssuer);
    }
    let client = config.client_id.as_str();
    let audience_ok = match claims.get("aud") {
        Some(Value::String(aud)) => aud == client,
        Some(Value::Array(auds)) => {
            let named = auds.iter().any(|a| a.as_str() == Some(client));
            // Several audiences: the token must say it was issued to us (`azp`).
            let azp = claims.get("azp").and_then(Value::as_str);
            named && (auds.len() == 1 || azp == Some(client))
        }
        _ => false,
    };
    if !audience_ok {
        return Err(TokenProblem::WrongAudience);
    }
    let exp = claims
        .get("exp")
        .and_then(Value::as_i64)
        .ok_or(TokenProblem::Malformed)?;
    if now > exp + config.leeway_seconds {
        return Err(TokenProblem::Expired);
    }
    if let Some(iat) = claims.get("iat").and_then(Value::as_i64)
        && iat > now + config.leeway_seconds
    {
        return Err(TokenProblem::IssuedInFuture);
    }
    Ok(())
}

/// The PKCE challenge for a verifier: base64url(SHA-256(verifier)) (RFC 7636, S256).
pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn parse_url(url: &str) -> Result<url::Url, Error> {
    url::Url::parse(url).map_err(|e| Error::Provider(format!("bad URL {url:?}: {e}")))
}

/// Client credentials in HTTP Basic are form-encoded first (RFC 6749 2.3.1).
fn form_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_challenge_is_rfc_7636s_example() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    fn config() -> Config {
        Config::new("https://idp.example", "tertial", "secret", "https://t/cb")
    }

    fn claims(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn claims_are_checked_with_their_reasons() {
        let now = 1_000_000;
        let good = serde_json::json!({"iss": "https://idp.example", "aud": "tertial", "exp": now + 60, "iat": now});
        assert_eq!(check_claims(&claims(good), &config(), now), Ok(()));
        let cases = [
            (
                serde_json::json!({"iss": "https://evil.example", "aud": "tertial", "exp": now + 60}),
                TokenProblem::WrongIssuer,
            ),
            (
                serde_json::json!({"iss": "https://idp.example", "aud": "other", "exp": now + 60}),
                TokenProblem::WrongAudience,
            ),
            (
                serde_json::json!({"iss": "https://idp.example", "aud": ["tertial", "other"], "exp": now + 60}),
                TokenProblem::WrongAudience,
            ),
            (
                serde_json::json!({"iss": "https://idp.example", "aud": "tertial", "exp": now - 61}),
                TokenProblem::Expired,
            ),
            (
                serde_json::json!({"iss": "https://idp.example", "aud": "tertial", "exp": now + 600, "iat": now + 300}),
                TokenProblem::IssuedInFuture,
            ),
            (
                serde_json::json!({"iss": "https://idp.example", "aud": "tertial"}),
                TokenProblem::Malformed,
            ),
        ];
        for (value, problem) in cases {
            assert_eq!(check_claims(&claims(value), &config(), now), Err(problem));
        }
        // Within the leeway, and several audiences with us as the authorized party.
        let late = serde_json::json!({"iss": "https://idp.example", "aud": ["tertial", "x"], "azp": "tertial", "exp": now - 59});
        assert_eq!(check_claims(&claims(late), &config(), now), Ok(()));
    }

    #[test]
    fn credentials_are_form_encoded() {
        assert_eq!(form_encode("a b:c"), "a+b%3Ac");
        assert_eq!(form_encode("plain-id"), "plain-id");
    }
}
