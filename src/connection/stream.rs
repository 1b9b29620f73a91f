//! A connection with a header read deadline: from the first byte of a request (for the
//! first request, from the connection's accept) to the end of its headers (an empty
//! line) at most the configured time, or the read fails and hyper closes the
//! connection. Request boundaries are seen from the bytes: a later request's head
//! starts at the first byte read after the last response was written, and ends at the
//! first empty line; between requests the idle timeout applies. HTTP/2 connections (the client preface first) are
//! left alone; the idle timeout still bounds them.

use std::future::Future;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::{Instant, Sleep};

/// Where the connection is in its request/response cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Between requests (or before the first): no deadline.
    Idle,
    /// Reading a request head: the deadline runs.
    Head,
    /// Head complete; the body and the handler are bounded elsewhere.
    Served,
    /// Not tracked (HTTP/2).
    Off,
}

/// A stream whose request heads must arrive within a deadline; holds its connection
/// permit until dropped.
pub struct HeaderDeadline<Io> {
    inner: Io,
    timeout: Option<Duration>,
    phase: Phase,
    first_read: bool,
    /// Consecutive line ends seen in the head (`\r` ignored): two end it.
    newlines: u8,
    deadline: Option<Pin<Box<Sleep>>>,
    _permit: OwnedSemaphorePermit,
}

impl<Io> HeaderDeadline<Io> {
    /// Wraps `inner`, just accepted: its first request head is due within `timeout`
    /// (None disables the deadline).
    pub fn new(inner: Io, timeout: Option<Duration>, permit: OwnedSemaphorePermit) -> Self {
        Self {
            inner,
            timeout,
            phase: Phase::Head,
            first_read: true,
            newlines: 0,
            deadline: timeout.map(|t| Box::pin(tokio::time::sleep_until(Instant::now() + t))),
            _permit: permit,
        }
    }

    /// Follows the request head through the bytes just read.
    fn saw(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if std::mem::take(&mut self.first_read) && bytes.starts_with(b"PRI * HTTP/2") {
            self.phase = Phase::Off;
        }
        if self.phase == Phase::Idle {
            self.phase = Phase::Head;
            self.newlines = 0;
            self.deadline = self
                .timeout
                .map(|t| Box::pin(tokio::time::sleep_until(Instant::now() + t)));
        }
        if self.phase != Phase::Head {
            return;
        }
        for &b in bytes {
            match b {
                b'\n' => {
                    self.newlines += 1;
                    if self.newlines == 2 {
                        self.phase = Phase::Served;
                        self.deadline = None;
                        return;
                    }
                }
                b'\r' => {}
                _ => self.newlines = 0,
            }
        }
    }

    /// Whether the head's deadline has passed (registering a wake-up when it has not).
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        match (&self.phase, self.deadline.as_mut()) {
            (Phase::Head, Some(sleep)) => sleep.as_mut().poll(cx).is_ready(),
            _ => false,
        }
    }

    /// A response (not an interim `100 Continue`) is being written: the request is over.
    /// `101 Switching Protocols` (a WebSocket) ends HTTP on the connection: no more heads.
    fn wrote(&mut self, first: &[u8]) {
        if first.starts_with(b"HTTP/1.1 101") {
            self.phase = Phase::Off;
            self.deadline = None;
            return;
        }
        if !first.is_empty() && !first.starts_with(b"HTTP/1.1 1") && self.phase != Phase::Off {
            self.phase = Phase::Idle;
            self.deadline = None;
        }
    }
}

fn too_slow() -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        "request headers did not arrive in time",
    )
}

impl<Io: AsyncRead + Unpin> AsyncRead for HeaderDeadline<Io> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                this.saw(&buf.filled()[before..]);
                if this.expired(cx) {
                    return Poll::Ready(Err(too_slow()));
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending if this.expired(cx) => Poll::Ready(Err(too_slow())),
            other => other,
        }
    }
}

impl<Io: AsyncWrite + Unpin> AsyncWrite for HeaderDeadline<Io> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.wrote(buf);
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Some(first) = bufs.iter().find(|b| !b.is_empty()) {
            self.wrote(first);
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
