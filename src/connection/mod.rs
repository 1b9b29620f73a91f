//! Connections, before HTTP: between the TCP listener and poem's server (see `app`).
//! Caps how many connections are open at once and cuts clients that trickle their
//! request headers ([`CappedAcceptor`]); a middleware bounds the time a request's body
//! may take to arrive ([`body::read_within`]).

mod acceptor;
pub mod body;
mod stream;

pub use acceptor::CappedAcceptor;
pub use stream::HeaderDeadline;
