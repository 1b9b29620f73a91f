//! Delivery settings (`COSO_SMTP_URL`, `COSO_MAIL_FROM`, ...), parsed once at the edge and
//! handed to [`super::Mailer::from_settings`]; the SMTP password stays inside [`SmtpUrl`].

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use lettre::message::Mailbox;
use url::Url;

use super::MailError;

/// The sender used when `COSO_MAIL_FROM` is not set.
pub const DEFAULT_FROM: &str = "Công an tỉnh Quảng Ngãi <coso@localhost>";

/// Where and how messages are delivered.
#[derive(clap::Args, Clone, Debug)]
pub struct MailSettings {
    /// SMTP server: `smtp://user:pass@host:587?tls=starttls`, `smtps://host:465` (implicit TLS)
    /// or `smtp://127.0.0.1:2525` (plain, loopback relay). Unset: messages go to the outbox.
    #[arg(long, env = "COSO_SMTP_URL", hide_env_values = true, value_parser = SmtpUrlParser)]
    pub smtp_url: Option<SmtpUrl>,

    /// Sender address and display name.
    #[arg(long, env = "COSO_MAIL_FROM", default_value = DEFAULT_FROM)]
    pub mail_from: Mailbox,

    /// Seconds allowed for one delivery: connecting, TLS, every command and the data.
    #[arg(long, env = "COSO_SMTP_TIMEOUT_SECS", default_value_t = 60)]
    pub smtp_timeout_secs: u64,

    /// Directory the `.eml` files are written to when no SMTP server is configured.
    #[arg(long, env = "COSO_OUTBOX_DIR", default_value = "./outbox")]
    pub outbox_dir: PathBuf,
}

impl MailSettings {
    /// The SMTP timeout as a duration.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.smtp_timeout_secs.max(1))
    }

    /// The default sender, [`DEFAULT_FROM`].
    pub fn default_from() -> Mailbox {
        Mailbox::new(
            Some("Công an tỉnh Quảng Ngãi".into()),
            lettre::Address::new("coso", "localhost").unwrap_or_else(|_| unreachable!()),
        )
    }
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            smtp_url: None,
            mail_from: Self::default_from(),
            smtp_timeout_secs: 60,
            outbox_dir: PathBuf::from("./outbox"),
        }
    }
}

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsMode {
    /// No TLS: only for a relay on this machine (`smtp://127.0.0.1:2525`).
    Plain,
    /// STARTTLS, required (`?tls=starttls` or `?tls=required`).
    StartTls,
    /// STARTTLS when the server offers it (`?tls=opportunistic`); never with a password off-host.
    Opportunistic,
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

/// A validated SMTP URL. Its `Debug` and `Display` show `***` in place of the password.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    url: Url,
    tls: TlsMode,
}

impl SmtpUrl {
    /// Host name or address (an IPv6 address without brackets).
    pub fn host(&self) -> String {
        match self.url.host() {
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            Some(host) => host.to_string(),
            None => String::new(),
        }
    }

    /// Port, defaulting by scheme and TLS mode (25 plain, 587 STARTTLS, 465 implicit).
    pub fn port(&self) -> u16 {
        self.url.port().unwrap_or(match self.tls {
            TlsMode::Plain => 25,
            TlsMode::StartTls | TlsMode::Opportunistic => 587,
            TlsMode::Implicit => 465,
        })
    }

    /// The TLS mode.
    pub fn tls(&self) -> TlsMode {
        self.tls
    }

    /// User name and password, percent-decoded, when the URL has a user name.
    pub fn credentials(&self) -> Option<(String, String)> {
        if self.url.username().is_empty() {
            return None;
        }
        let user = decode(self.url.username());
        Some((user, decode(self.url.password().unwrap_or_default())))
    }

    /// The password as written in the URL and decoded, for scrubbing messages (never logged).
    pub fn secrets(&self) -> Vec<String> {
        let raw = self.url.password().unwrap_or_default();
        [raw.to_owned(), decode(raw)]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Whether the host is a loopback address or `localhost`.
    pub fn is_loopback(&self) -> bool {
        match self.url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            // `smtp:` is not a "special" scheme: the url crate leaves IPv4 hosts as names.
            Some(url::Host::Domain(name)) => {
                name.eq_ignore_ascii_case("localhost")
                    || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
            }
            None => false,
        }
    }

    fn redacted(&self) -> Url {
        let mut url = self.url.clone();
        if url.password().is_some() {
            let _ = url.set_password(Some("***"));
        }
        url
    }
}

fn decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

impl FromStr for SmtpUrl {
    type Err = MailError;

    fn from_str(text: &str) -> Result<Self, MailError> {
        // The parser's messages never quote the input, so the password cannot leak here.
        let url = Url::parse(text).map_err(|e| MailError::Config(format!("SMTP URL: {e}")))?;
        if url.host_str().is_none_or(str::is_empty) {
            return Err(MailError::Config("SMTP URL: no host".into()));
        }
        let tls = tls_mode(&url)?;
        let parsed = Self { url, tls };
        refuse_clear_password(&parsed)?;
        Ok(parsed)
    }
}

fn tls_mode(url: &Url) -> Result<TlsMode, MailError> {
    let tls = url.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v);
    match (url.scheme(), tls.as_deref()) {
        ("smtp", None) => Ok(TlsMode::Plain),
        ("smtp", Some("starttls" | "required")) => Ok(TlsMode::StartTls),
        ("smtp", Some("opportunistic")) => Ok(TlsMode::Opportunistic),
        ("smtps", None | Some("implicit" | "wrapper")) => Ok(TlsMode::Implicit),
        (scheme, tls) => Err(MailError::Config(format!(
            "SMTP URL: unsupported scheme {scheme:?} with tls={tls:?} \
             (use smtp://, smtp://...?tls=starttls or smtps://)"
        ))),
    }
}

/// A password may travel unencrypted only to a relay on this machine.
fn refuse_clear_password(url: &SmtpUrl) -> Result<(), MailError> {
    let clear = matches!(url.tls, TlsMode::Plain | TlsMode::Opportunistic);
    if clear && url.credentials().is_some() && !url.is_loopback() {
        return Err(MailError::Config(format!(
            "SMTP URL: refusing to send a password without TLS to {}; \
             use ?tls=starttls or smtps://",
            url.host()
        )));
    }
    Ok(())
}

/// Parses `--smtp-url` / `COSO_SMTP_URL` for clap. clap's own message for a refused value
/// quotes it whole, password included; this one names the problem and shows the URL with
/// the password masked.
#[derive(Clone, Copy, Debug)]
pub struct SmtpUrlParser;

impl clap::builder::TypedValueParser for SmtpUrlParser {
    type Value = SmtpUrl;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<SmtpUrl, clap::Error> {
        let name = arg.map_or_else(|| "--smtp-url".to_owned(), ToString::to_string);
        let refuse = |why: String| {
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("invalid value for '{name}': {why}\n"),
            )
            .with_cmd(cmd)
        };
        let text = value
            .to_str()
            .ok_or_else(|| refuse("the SMTP URL is not valid UTF-8".to_owned()))?;
        text.parse()
            .map_err(|e: MailError| refuse(format!("{e} (in {})", crate::secret::redact_url(text))))
    }
}

impl fmt::Display for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.redacted(), f)
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SmtpUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_ports() {
        let url: SmtpUrl = "smtp://u:p@mail.example.vn?tls=starttls".parse().unwrap();
        assert_eq!((url.tls(), url.port()), (TlsMode::StartTls, 587));
        let url: SmtpUrl = "smtps://mail.example.vn".parse().unwrap();
        assert_eq!((url.tls(), url.port()), (TlsMode::Implicit, 465));
        let url: SmtpUrl = "smtp://127.0.0.1:2525".parse().unwrap();
        assert_eq!((url.tls(), url.port()), (TlsMode::Plain, 2525));
        assert!("http://x".parse::<SmtpUrl>().is_err());
        assert!("smtp://x?tls=maybe".parse::<SmtpUrl>().is_err());
    }

    #[test]
    fn password_hidden_and_decoded() {
        let url: SmtpUrl = "smtps://c%C3%B4ng@mail.example.vn:465".parse().unwrap();
        assert_eq!(url.credentials().unwrap().0, "công");
        let url: SmtpUrl = "smtps://user:s%40cr+t@mail.example.vn".parse().unwrap();
        assert_eq!(url.credentials().unwrap().1, "s@cr+t");
        assert_eq!(url.to_string(), "smtps://user:***@mail.example.vn");
        assert!(!format!("{url:?}").contains("cr"));
    }

    #[test]
    fn no_clear_password_off_host() {
        let err = "smtp://u:hunter2@mail.example.vn"
            .parse::<SmtpUrl>()
            .unwrap_err();
        assert_eq!(err.code(), "MAIL_CONFIG");
        assert!(!err.to_string().contains("hunter2"));
        for local in ["127.0.0.1:2525", "localhost", "[::1]:25"] {
            let url = format!("smtp://u:p@{local}");
            assert!(url.parse::<SmtpUrl>().is_ok(), "{url}");
        }
    }

    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        mail: MailSettings,
    }

    #[test]
    fn parses_as_flags() {
        use clap::Parser;
        let cli = Cli::try_parse_from(["coso", "--smtp-url", "smtps://u:p@mail.example.vn"]);
        let mail = cli.unwrap().mail;
        assert_eq!(mail.smtp_url.unwrap().tls(), TlsMode::Implicit);
        assert_eq!(mail.mail_from, MailSettings::default_from());
        assert!(Cli::try_parse_from(["coso", "--smtp-url", "ftp://x"]).is_err());
    }

    #[test]
    fn default_sender_parses_the_same() {
        let parsed: Mailbox = DEFAULT_FROM.parse().unwrap();
        assert_eq!(parsed, MailSettings::default_from());
    }
}
