//! Every signal that ends gatescope (INT, QUIT, TERM, HUP) leaves the
//! terminal as it found it: cooked mode, main screen, mouse reporting off,
//! cursor shown. Ctrl-Z / SIGTSTP hands the terminal back and stops the
//! process; SIGCONT (`fg`) takes it back and repaints.

mod pty;

use std::time::{Duration, Instant};

use pty::PtyApp;

const T: Duration = Duration::from_secs(20);

fn started() -> (tempfile::TempDir, PtyApp) {
    let home = tempfile::tempdir().unwrap();
    let mut app = PtyApp::spawn(&["demo"], home.path());
    app.wait_for("demo-orders-http", T);
    assert!(app.alternate_screen());
    assert_eq!(app.cooked_mode(), Some(false), "raw mode while running");
    (home, app)
}

fn signal(app: &PtyApp, sig: i32) {
    let pid = app.pid().expect("child pid") as i32;
    // SAFETY: kill has no memory-safety preconditions.
    assert_eq!(unsafe { libc::kill(pid, sig) }, 0);
}

/// The process state letter from /proc (`T` = stopped).
fn state(app: &PtyApp) -> char {
    let pid = app.pid().unwrap();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.trim().chars().next())
        .unwrap_or('?')
}

fn wait_state(app: &PtyApp, want: char) {
    let deadline = Instant::now() + T;
    while state(app) != want {
        assert!(Instant::now() < deadline, "state {} != {want}", state(app));
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn int_quit_term_and_hup_restore_the_terminal() {
    for (name, sig) in [
        ("INT", libc::SIGINT),
        ("QUIT", libc::SIGQUIT),
        ("TERM", libc::SIGTERM),
        ("HUP", libc::SIGHUP),
    ] {
        let (_home, mut app) = started();
        signal(&app, sig);
        app.wait_exit(T);
        // assert_restored checks cooked mode, main screen, cursor, mouse off.
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| app.assert_restored()));
        assert!(result.is_ok(), "SIG{name} left the terminal broken");
    }
}

#[test]
fn sigtstp_and_ctrl_z_suspend_cleanly_and_fg_repaints() {
    for how in ["SIGTSTP", "Ctrl-Z"] {
        let (_home, mut app) = started();
        if how == "SIGTSTP" {
            signal(&app, libc::SIGTSTP);
        } else {
            app.press("\u{1a}");
        }
        wait_state(&app, 'T');
        // Stopped with the terminal handed back.
        std::thread::sleep(Duration::from_millis(200));
        app.assert_restored();
        signal(&app, libc::SIGCONT);
        app.wait_until(&format!("{how}: repainted after fg"), T, |s| {
            s.contains("demo-orders-http") && s.contains("DEMO")
        });
        assert!(
            app.alternate_screen(),
            "{how}: back on the alternate screen"
        );
        assert_eq!(app.cooked_mode(), Some(false), "{how}: raw mode again");
        // Still responsive, and quits cleanly.
        app.press("q");
        assert!(app.wait_exit(T), "{how}: exit after resume");
        app.assert_restored();
    }
}
