//! The progress of a live run on stderr.

use crate::cli::output::Output;

/// One line per step on stderr and, for longer runs on a terminal, a
/// progress bar below them.
pub(crate) struct Progress {
    output: Output,
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    /// Runs of more steps than this get a bar.
    const BAR_FROM: usize = 5;

    pub(crate) fn new(output: Output) -> Self {
        Progress { output, bar: None }
    }

    pub(crate) fn start(&mut self, steps: usize) {
        use std::io::IsTerminal;
        if steps > Self::BAR_FROM && !self.output.quiet && std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(steps as u64);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} revisions {elapsed}")
            {
                bar.set_style(style);
            }
            self.bar = Some(bar);
        }
    }

    pub(crate) fn say(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| self.output.progress(line)),
            None => self.output.progress(line),
        }
    }

    pub(crate) fn step(&self, line: &str) {
        self.say(line);
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    pub(crate) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
