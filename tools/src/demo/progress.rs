//! What the demo prints while records flow: on a terminal one line that updates in place
//! (indicatif); otherwise (a pipe, a CI log, a test) plain lines.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The widest line the demo prints (issue: an 80- or 120-column terminal must not wrap).
pub const MAX_COLUMNS: usize = 100;

/// Where the demo's lines go: stdout, or a buffer in tests.
pub struct Out<'a> {
    sink: &'a mut (dyn Write + Send),
    bar: Option<ProgressBar>,
}

impl<'a> Out<'a> {
    /// `live`: the sink is the terminal and progress was asked for.
    pub fn new(sink: &'a mut (dyn Write + Send), live: bool) -> Self {
        let bar = live.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stdout());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {wide_msg}").expect("a fixed template"),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Out { sink, bar }
    }

    /// Whether stdout is a terminal (then progress updates in place).
    pub fn stdout_is_terminal() -> bool {
        std::io::stdout().is_terminal()
    }

    /// A line that stays.
    pub fn line(&mut self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| {
                let _ = writeln!(self.sink, "{text}");
            }),
            None => {
                let _ = writeln!(self.sink, "{text}");
            }
        }
    }

    /// The progress line: replaced on a terminal, appended otherwise.
    pub fn progress(&mut self, text: &str) {
        match &self.bar {
            Some(bar) => bar.set_message(text.trim().to_string()),
            None => self.line(text),
        }
    }

    /// Ends the progress line before the summary.
    pub fn finish_progress(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Out<'_> {
    fn drop(&mut self) {
        self.finish_progress();
        let _ = self.sink.flush();
    }
}
