//! A real SMTP server for the tests, on a free loopback port: the `mailin` protocol
//! engine behind a small std::net accept loop. It keeps what it received, can refuse
//! every recipient or chosen ones, ask for a password, or be "down" (451 to every
//! recipient) for a while.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use mailin::{Action, AuthMechanism, Handler, Response, SessionBuilder, response};

/// How the test server answers.
#[derive(Clone, Default)]
pub struct Behaviour {
    /// Refuse every RCPT TO with this reply.
    pub reject_rcpt: Option<(u16, &'static str)>,
    /// Offer AUTH PLAIN and accept only this password.
    pub password: Option<&'static str>,
    /// Refuse these recipients (address, reply code, text); serve the others.
    pub refuse: Vec<(String, u16, &'static str)>,
}

/// One message as the server received it.
#[derive(Clone, Debug, Default)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

/// A real SMTP server on 127.0.0.1, stopped when dropped.
pub struct SmtpServer {
    pub addr: SocketAddr,
    /// While true, every recipient gets 451 (a transient failure).
    pub down: Arc<AtomicBool>,
    inbox: Arc<Mutex<Vec<Received>>>,
    behaviour: Behaviour,
    /// The running accept loop's stop flag (a new one after each restart).
    stop: Mutex<Arc<AtomicBool>>,
}

impl SmtpServer {
    pub fn start(behaviour: Behaviour) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = Self {
            addr: listener.local_addr().unwrap(),
            inbox: Arc::default(),
            stop: Mutex::default(),
            down: Arc::default(),
            behaviour,
        };
        server.serve_on(listener);
        server
    }

    fn serve_on(&self, listener: TcpListener) {
        let stop = Arc::new(AtomicBool::new(false));
        *self.stop.lock().unwrap() = stop.clone();
        let (inbox, down, behaviour) = (
            self.inbox.clone(),
            self.down.clone(),
            self.behaviour.clone(),
        );
        std::thread::spawn(move || accept_loop(&listener, &behaviour, &inbox, &stop, &down));
    }

    /// Stops listening: connections are refused until [`Self::restart`].
    pub fn stop(&self) {
        self.stop.lock().unwrap().store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr); // wakes the accept loop, which drops the listener
        while TcpStream::connect(self.addr).is_ok() {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// Listens again on the same address.
    pub fn restart(&self) {
        self.serve_on(TcpListener::bind(self.addr).unwrap());
    }

    pub fn url(&self, credentials: &str) -> String {
        format!("smtp://{credentials}127.0.0.1:{}", self.addr.port())
    }

    pub fn received(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().clone()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Ok(stop) = self.stop.lock() {
            stop.store(true, Ordering::SeqCst);
        }
        let _ = TcpStream::connect(self.addr); // wakes the accept loop
    }
}

fn accept_loop(
    listener: &TcpListener,
    behaviour: &Behaviour,
    inbox: &Arc<Mutex<Vec<Received>>>,
    stop: &AtomicBool,
    down: &Arc<AtomicBool>,
) {
    let mut sessions = SessionBuilder::new("smtp.test.local");
    if behaviour.password.is_some() {
        sessions
            .enable_auth(AuthMechanism::Plain)
            .insecure_enable_plaintext_auth();
    }
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let handler = Connection {
            behaviour: behaviour.clone(),
            inbox: inbox.clone(),
            current: Received::default(),
            down: down.clone(),
        };
        let sessions = sessions.clone();
        std::thread::spawn(move || serve(stream, &sessions, handler));
    }
}

/// Feeds the client's lines to mailin's state machine and writes its replies back.
fn serve(stream: TcpStream, sessions: &SessionBuilder, handler: Connection) {
    let Ok(peer) = stream.peer_addr() else { return };
    let Ok(reader) = stream.try_clone() else {
        return;
    };
    let (mut reader, mut writer) = (BufReader::new(reader), stream);
    let mut session = sessions.build(peer.ip(), handler);
    let _ = session.greeting().write_to(&mut writer);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).unwrap_or(0) == 0 {
            return;
        }
        let reply = session.process(&line);
        if reply.action != Action::NoReply && reply.write_to(&mut writer).is_err() {
            return;
        }
        if matches!(reply.action, Action::Close | Action::UpgradeTls) {
            return;
        }
    }
}

struct Connection {
    behaviour: Behaviour,
    inbox: Arc<Mutex<Vec<Received>>>,
    current: Received,
    down: Arc<AtomicBool>,
}

impl Handler for Connection {
    fn rcpt(&mut self, to: &str) -> Response {
        if self.down.load(Ordering::SeqCst) {
            return Response::custom(451, "4.3.2 try again later".to_owned());
        }
        if let Some((_, code, text)) = self
            .behaviour
            .refuse
            .iter()
            .find(|(a, ..)| to.contains(a.as_str()))
        {
            return Response::custom(*code, (*text).to_owned());
        }
        match self.behaviour.reject_rcpt {
            Some((code, text)) => Response::custom(code, text.to_owned()),
            None => response::OK,
        }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _8bit: bool, to: &[String]) -> Response {
        self.current = Received {
            from: from.to_owned(),
            to: to.to_vec(),
            data: Vec::new(),
        };
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let message = std::mem::take(&mut self.current);
        self.inbox.lock().unwrap().push(message);
        response::OK
    }

    fn auth_plain(&mut self, _authz: &str, _authn: &str, password: &str) -> Response {
        if Some(password) == self.behaviour.password {
            response::AUTH_OK
        } else {
            response::INVALID_CREDENTIALS
        }
    }
}
