//! Entering and leaving the terminal UI: raw mode, alternate screen, mouse
//! capture, hidden cursor. [`TerminalGuard`] restores them on drop (normal
//! exit and `?` errors) and the panic hook restores them on a panic of the UI
//! thread, before the panic message is printed.

use std::io::{self, Stdout};
use std::sync::OnceLock;
use std::thread::ThreadId;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub(crate) type Term = Terminal<CrosstermBackend<Stdout>>;

/// The thread that draws; only its panics restore the terminal (a panicking
/// background task is caught and reported in the status line instead).
static UI_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// The TUI draws on a terminal and reads keys from one: without both, say so
/// in one line (and point at the subcommands) instead of failing on an ioctl
/// with escape sequences on a pipe.
pub(crate) fn require_tty() -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let missing = match (io::stdin().is_terminal(), io::stdout().is_terminal()) {
        (true, true) => return Ok(()),
        (false, true) => "standard input is",
        (true, false) => "standard output is",
        (false, false) => "standard input and output are",
    };
    anyhow::bail!(
        "the terminal UI needs a terminal, and {missing} not one; for scripts use a subcommand (`gatescope apis --output json`, `gatescope --help`)"
    )
}

pub(crate) struct TerminalGuard {
    pub terminal: Term,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<TerminalGuard> {
        install_panic_hook();
        let result = (|| {
            enable_raw_mode()?;
            execute!(
                io::stdout(),
                EnterAlternateScreen,
                EnableMouseCapture,
                crossterm::cursor::Hide
            )?;
            Terminal::new(CrosstermBackend::new(io::stdout()))
        })();
        match result {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl TerminalGuard {
    /// Hand the terminal to another program (an external editor): cooked
    /// mode, main screen, cursor visible, no mouse reports. The input reader
    /// must already be stopped (see [`super::event::InputReader::stop`]).
    pub(crate) fn suspend(&mut self) -> io::Result<()> {
        execute!(
            io::stdout(),
            DisableMouseCapture,
            LeaveAlternateScreen,
            crossterm::cursor::Show
        )?;
        disable_raw_mode()
    }

    /// Take the terminal back after [`TerminalGuard::suspend`]. The other
    /// program drew over everything, so the screen is cleared and the next
    /// draw repaints every cell: a fresh `Terminal` has empty buffers.
    /// (`Terminal::clear` would do the same but first asks the terminal for
    /// the cursor position, which fails if the answer is slow to come.)
    pub fn resume(&mut self) -> io::Result<()> {
        enable_raw_mode()?;
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            Clear(ClearType::All),
            EnableMouseCapture,
            crossterm::cursor::Hide
        )?;
        self.terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(())
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Undo everything [`TerminalGuard::enter`] did. Safe to call twice.
pub(crate) fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

fn install_panic_hook() {
    let _ = UI_THREAD.set(std::thread::current().id());
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            tracing::error!("panic: {info}");
            if UI_THREAD.get() == Some(&std::thread::current().id()) {
                restore();
                previous(info);
            }
            // Other threads: the task wrapper reports it; printing here would
            // scribble over the UI.
        }));
    });
}
