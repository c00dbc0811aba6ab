//! A progress line on stderr while a long run loads and lints.
//!
//! Shown only when stderr is a terminal, nothing asked for quiet, and the run
//! has lasted a second: pipes, CI logs and tests never see it, and a short run
//! prints nothing. It is erased before anything else is written.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a run lasts before the progress line appears.
const DEFAULT_DELAY: Duration = Duration::from_secs(1);
/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(120);
const SPINNER: [char; 4] = ['|', '/', '-', '\\'];
/// Erases the current terminal line.
const CLEAR_LINE: &str = "\r\x1b[2K";

struct State {
    phase: &'static str,
    done: bool,
    /// Whether a line is on the terminal and must be erased.
    drawn: bool,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    started: Instant,
}

/// The running indicator; [`Progress::finish`] (or dropping it) erases it.
pub struct Progress {
    running: Option<(Arc<Shared>, JoinHandle<()>)>,
}

impl Progress {
    /// An indicator that appears after the delay, or one that never does.
    pub fn start(quiet: u8, phase: &'static str) -> Progress {
        if quiet > 0 || !std::io::stderr().is_terminal() {
            return Progress { running: None };
        }
        let delay = delay();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                phase,
                done: false,
                drawn: false,
            }),
            wake: Condvar::new(),
            started: Instant::now(),
        });
        if delay.is_zero() {
            // Drawn at once: with no delay, even the shortest run shows it.
            draw(
                &shared,
                &mut shared.state.lock().expect("progress state"),
                0,
            );
        }
        let thread_shared = Arc::clone(&shared);
        let handle = std::thread::spawn(move || run(&thread_shared, delay));
        Progress {
            running: Some((shared, handle)),
        }
    }

    /// Name what the run is doing now.
    pub fn phase(&self, phase: &'static str) {
        if let Some((shared, _)) = &self.running {
            shared.state.lock().expect("progress state").phase = phase;
        }
    }

    /// Stop and erase the line, so the report starts on a clean terminal.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let Some((shared, handle)) = self.running.take() else {
            return;
        };
        {
            let mut state = shared.state.lock().expect("progress state");
            state.done = true;
            if state.drawn {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "{CLEAR_LINE}");
                let _ = err.flush();
                state.drawn = false;
            }
        }
        shared.wake.notify_all();
        let _ = handle.join();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `FTLINT_PROGRESS_DELAY_MS` overrides the delay (0: at once), so the
/// indicator itself can be tested on a pseudo-terminal.
fn delay() -> Duration {
    std::env::var("FTLINT_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(DEFAULT_DELAY)
}

fn run(shared: &Shared, delay: Duration) {
    let mut frame = 1;
    let mut wait = delay;
    let mut state = shared.state.lock().expect("progress state");
    loop {
        let (next, _) = shared
            .wake
            .wait_timeout_while(state, wait, |s| !s.done)
            .expect("progress state");
        state = next;
        if state.done {
            return;
        }
        draw(shared, &mut state, frame);
        frame += 1;
        wait = TICK;
    }
}

fn draw(shared: &Shared, state: &mut State, frame: usize) {
    let secs = shared.started.elapsed().as_secs_f64();
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "{CLEAR_LINE}{} {} ({secs:.1} s)",
        SPINNER[frame % SPINNER.len()],
        state.phase
    );
    let _ = err.flush();
    state.drawn = true;
}
