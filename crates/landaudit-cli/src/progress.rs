//! Progress bars on stderr (indicatif). Hidden with `--quiet`, and by indicatif itself when
//! stderr is not a terminal, so logs and CI output stay clean.

use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// One bar per stage; a new stage finishes the previous one.
pub struct Bars {
    quiet: bool,
    current: Mutex<Option<ProgressBar>>,
}

impl Bars {
    pub fn new(quiet: bool) -> Self {
        Bars {
            quiet,
            current: Mutex::new(None),
        }
    }

    pub fn stage_named(&self, name: &str, total: u64) {
        let bar = if self.quiet {
            ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden())
        } else {
            ProgressBar::new(total)
        };
        bar.set_style(
            ProgressStyle::with_template("{prefix:>8} [{elapsed_precise}] {wide_bar} {pos}/{len}")
                .expect("static template is valid"),
        );
        bar.set_prefix(name.to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        let mut cur = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = cur.replace(bar) {
            old.finish();
        }
    }

    pub fn finish(&self) {
        let mut cur = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = cur.take() {
            old.finish();
        }
    }
}

impl landaudit::Progress for Bars {
    fn stage(&self, name: &str, total: u64) {
        self.stage_named(name, total);
    }

    fn inc(&self, n: u64) {
        if let Some(b) = self
            .current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            b.inc(n);
        }
    }
}
