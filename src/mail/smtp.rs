//! The SMTP backend of [`super::Mailer`]: lettre's async transport, built from a
//! [`SmtpUrl`], with its errors classified and scrubbed of the password.

use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::MailError;
use super::settings::{SmtpUrl, TlsMode};

/// One SMTP server; each message goes over its own connection.
#[derive(Clone)]
pub(crate) struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// `host:port`, for messages.
    server: String,
    /// The password (raw and decoded), scrubbed from every error message.
    secrets: Vec<String>,
    /// Bound on one whole delivery.
    timeout: Duration,
}

impl Smtp {
    /// Builds the transport (and its TLS configuration, so TLS problems show at start-up).
    pub(crate) fn new(url: &SmtpUrl, timeout: Duration) -> Result<Self, MailError> {
        let host = url.host();
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.clone())
            .port(url.port())
            .timeout(Some(timeout));
        builder = match url.tls() {
            TlsMode::Plain => builder,
            TlsMode::StartTls => builder.tls(Tls::Required(tls_parameters(&host)?)),
            TlsMode::Opportunistic => builder.tls(Tls::Opportunistic(tls_parameters(&host)?)),
            TlsMode::Implicit => builder.tls(Tls::Wrapper(tls_parameters(&host)?)),
        };
        if let Some((user, password)) = url.credentials() {
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(Self {
            transport: builder.build(),
            server: format!("{host}:{}", url.port()),
            secrets: url.secrets(),
            timeout,
        })
    }

    /// Sends one message over a fresh connection within the timeout; returns the server's
    /// final reply (`250 ...`). lettre bounds only the TCP connect, so the whole exchange is
    /// bounded here; a cancelled exchange just drops its connection (no pool to poison).
    pub(crate) async fn send(&self, message: &Message) -> Result<String, MailError> {
        let bytes = message.formatted();
        let exchange = self.transport.send_raw(message.envelope(), &bytes);
        let response = tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| MailError::Transient {
                reason: format!(
                    "no answer from {} within {}s",
                    self.server,
                    self.timeout.as_secs()
                ),
                smtp_code: None,
            })?
            .map_err(|e| MailError::from_smtp(&e, &self.server, &self.secrets))?;
        let text = response.message().collect::<Vec<_>>().join(" ");
        Ok(MailError::scrub(
            &format!("{} {text}", response.code()),
            &self.secrets,
        ))
    }

    /// `host:port` of the server.
    pub(crate) fn server(&self) -> &str {
        &self.server
    }
}

/// rustls client configuration (ring provider, system roots). Must not panic: see the test.
fn tls_parameters(host: &str) -> Result<TlsParameters, MailError> {
    TlsParameters::new(host.to_owned())
        .map_err(|e| MailError::Config(format!("TLS setup for {host}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rustls panics at first use when two crypto providers are compiled in and none is
    /// installed; building every TLS mode exercises the provider selection.
    #[test]
    fn tls_transports_build_without_panicking() {
        for url in [
            "smtps://user:pw@mail.example.vn",
            "smtp://user:pw@mail.example.vn?tls=starttls",
            "smtp://mail.example.vn?tls=opportunistic",
        ] {
            let url: SmtpUrl = url.parse().unwrap();
            Smtp::new(&url, Duration::from_secs(5)).unwrap();
        }
    }

    /// Other crates (sqlx, reqwest) build rustls configurations with the process-default
    /// provider, which rustls can only pick when exactly one provider is compiled in.
    #[test]
    fn rustls_has_exactly_one_provider() {
        let config = std::panic::catch_unwind(|| {
            rustls::ClientConfig::builder()
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth()
        });
        assert!(
            config.is_ok(),
            "two rustls crypto providers are compiled in"
        );
    }
}
