//! An acceptor that holds one semaphore permit per open connection: past the cap, new
//! connections wait in the kernel's listen backlog until an open one closes.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use poem::http::uri::Scheme;
use poem::listener::Acceptor;
use poem::web::{LocalAddr, RemoteAddr};
use tokio::sync::Semaphore;

use super::stream::HeaderDeadline;

/// Wraps an acceptor: at most `max` connections open at once, each with a header
/// read deadline.
pub struct CappedAcceptor<A> {
    inner: A,
    permits: Arc<Semaphore>,
    header_timeout: Option<Duration>,
}

impl<A: Acceptor> CappedAcceptor<A> {
    /// At most `max` open connections (at least one); `header_timeout` bounds the time
    /// from a request's first byte to the end of its headers (`None`: unbounded).
    pub fn new(inner: A, max: usize, header_timeout: Option<Duration>) -> Self {
        Self {
            inner,
            permits: Arc::new(Semaphore::new(max.max(1))),
            header_timeout,
        }
    }
}

impl<A: Acceptor> Acceptor for CappedAcceptor<A> {
    type Io = HeaderDeadline<A::Io>;

    fn local_addr(&self) -> Vec<LocalAddr> {
        self.inner.local_addr()
    }

    async fn accept(&mut self) -> io::Result<(Self::Io, LocalAddr, RemoteAddr, Scheme)> {
        // Waiting here leaves new connections in the backlog; the permit goes with the
        // connection and returns when it closes.
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| io::Error::other("connection cap closed"))?;
        let (io, local, remote, scheme) = self.inner.accept().await?;
        let io = HeaderDeadline::new(io, self.header_timeout, permit);
        Ok((io, local, remote, scheme))
    }
}
