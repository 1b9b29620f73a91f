//! Passwords in settings never reach the terminal: the binary started with a refused or
//! unusable SMTP or database URL holding a password names the problem, shows the URL
//! with the password masked, and prints the password nowhere (stdout or stderr).

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_coso");
/// As written in the URL (percent-encoded) and as it decodes.
const PASSWORD: &str = "hunter2-m%E1%BA%ADt";
const DECODED: &str = "hunter2-mật";

/// Runs `coso args` in an empty directory with `env`; whether it succeeded, and
/// everything it printed.
fn run(env: &[(&str, &str)], args: &[&str]) -> (bool, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .env_remove("COSO_DATABASE_URL")
        .env_remove("COSO_SMTP_URL")
        .env("COSO_LISTEN", "127.0.0.1:0")
        .env("COSO_DB_WAIT_SECS", "1")
        .envs(env.iter().copied())
        .args(args)
        .output()
        .expect("run coso");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), printed)
}

fn assert_masked(printed: &str) {
    assert!(
        !printed.contains("hunter2") && !printed.contains(DECODED),
        "the password was printed: {printed}"
    );
}

#[test]
fn a_refused_smtp_url_is_named_with_its_password_masked() {
    let cases = [
        (
            format!("smtp://coso:{PASSWORD}@mail.example.vn"),
            "refusing to send a password without TLS",
        ),
        (
            format!("smtp://coso:{PASSWORD}@mail.example.vn:99999?tls=starttls"),
            "invalid port number",
        ),
        (
            format!("http://coso:{PASSWORD}@mail.example.vn"),
            "unsupported scheme",
        ),
    ];
    for (url, problem) in &cases {
        for by_flag in [false, true] {
            let (ok, printed) = if by_flag {
                run(&[], &["--smtp-url", url, "migrate"])
            } else {
                run(&[("COSO_SMTP_URL", url)], &["migrate"])
            };
            assert!(!ok, "{url} refused");
            assert_masked(&printed);
            assert!(printed.contains(problem), "{problem}: {printed}");
            assert!(printed.contains("coso:***@mail.example.vn"), "{printed}");
        }
    }
}

#[test]
fn an_unusable_database_url_is_named_with_its_password_masked() {
    for (url, shown) in [
        (format!("mysql://coso:{PASSWORD}@127.0.0.1/coso"), true),
        (
            format!("postgres://coso:{PASSWORD}@127.0.0.1:port/coso"),
            true,
        ),
        (
            format!("postgres://coso:{PASSWORD}@127.0.0.1:1/coso"),
            false,
        ),
    ] {
        for args in [&["migrate"][..], &[]] {
            let (ok, printed) = run(&[("COSO_DATABASE_URL", &url)], args);
            assert!(!ok, "{url} {args:?}: {printed}");
            assert_masked(&printed);
            if shown {
                assert!(printed.contains("coso:***@127.0.0.1"), "{printed}");
            }
        }
    }
}
