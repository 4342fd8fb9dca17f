//! What one hook run may log. An Action looping on `console.log` once took the mock to 625 MB
//! and `GET /__mock/hooks` to 468 MB; so lines are cut at a length, a run keeps a bounded number
//! of console bytes, and what did not fit is counted so the record can say it was cut.
//!
//! The same rule runs twice for an Action: on its worker thread ([`Budget`]), so a flood never
//! crosses to the login, and in the login's [`Console`], which also holds the mock's own lines
//! (warnings, native hooks' summaries).

use serde::Serialize;

/// Longest console line kept whole; a longer one is cut with a marker. A line this long is
/// unreadable in a record already, and a few of them must not use up a run's whole budget.
pub const MAX_LINE_BYTES: usize = 16 * 1024;

/// Console bytes one hook run keeps, the notice saying what was cut included. 64 KiB is
/// hundreds of ordinary lines, more than a test reads, while the 1,000 records the store keeps
/// could still not reach its byte cap from console output alone.
pub const RUN_BYTES: usize = 64 * 1024;

/// Room kept within [`RUN_BYTES`] for the notice line, so the whole console stays within it.
const NOTICE_ROOM: usize = 256;

/// What ends a text the mock cut.
const CUT_MARKER: &str = " … [truncated by auth0-mock]";

/// What a run's console lost to [`RUN_BYTES`], in the record as `console_truncated`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ConsoleCut {
    /// Lines not kept.
    pub dropped_lines: u64,
    /// Bytes of those lines (one newline each counted, as for kept lines).
    pub dropped_bytes: u64,
}

impl ConsoleCut {
    fn add(&mut self, other: ConsoleCut) {
        self.dropped_lines = self.dropped_lines.saturating_add(other.dropped_lines);
        self.dropped_bytes = self.dropped_bytes.saturating_add(other.dropped_bytes);
    }

    fn is_empty(&self) -> bool {
        self.dropped_lines == 0
    }
}

/// The byte budget of one run, without the lines: what an Action's worker keeps to decide which
/// lines to send to the login at all.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    used: usize,
    cut: ConsoleCut,
}

impl Budget {
    /// Whether a line of `len` bytes still fits; when not, it is counted as cut. Each line is
    /// charged a newline too, so a million empty lines are not free.
    pub fn admit(&mut self, len: usize) -> bool {
        let cost = len.saturating_add(1);
        if self.used.saturating_add(cost) <= RUN_BYTES - NOTICE_ROOM {
            self.used += cost;
            true
        } else {
            self.cut.add(ConsoleCut {
                dropped_lines: 1,
                dropped_bytes: cost as u64,
            });
            false
        }
    }

    /// Adds what was cut elsewhere (an Action's worker) to this budget's count.
    pub fn note_cut(&mut self, cut: ConsoleCut) {
        self.cut.add(cut);
    }

    /// What was cut so far, if anything.
    pub fn cut(&self) -> Option<ConsoleCut> {
        (!self.cut.is_empty()).then_some(self.cut)
    }
}

/// A line cut to [`MAX_LINE_BYTES`] (on a character boundary), with a marker when cut.
pub(crate) fn bound_line(line: String) -> String {
    cut_marked(line, MAX_LINE_BYTES)
}

/// `text` cut to `max` bytes (on a character boundary), with a marker when cut, so a reader
/// never takes a cut text for the whole.
pub(crate) fn cut_marked(mut text: String, max: usize) -> String {
    if text.len() > max {
        text.truncate(floor_char_boundary(&text, max));
        text.push_str(CUT_MARKER);
    }
    text
}

/// The largest index ≤ `at` that is a character boundary of `s` (stable `str` has none yet).
pub(crate) fn floor_char_boundary(s: &str, at: usize) -> usize {
    if at >= s.len() {
        return s.len();
    }
    let mut cut = at;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    cut
}

/// The kept lines of one run and what was cut.
#[derive(Debug, Default)]
pub(crate) struct Console {
    lines: Vec<String>,
    budget: Budget,
}

impl Console {
    /// Keeps `line` (cut to [`MAX_LINE_BYTES`]) if the run's budget allows; returns the line as
    /// kept, or `None` when it was cut, so the caller logs only what the record shows.
    pub fn push(&mut self, line: String) -> Option<&str> {
        let line = bound_line(line);
        if self.budget.admit(line.len()) {
            self.lines.push(line);
            self.lines.last().map(String::as_str)
        } else {
            None
        }
    }

    /// Counts lines cut before they reached this console (by an Action's worker).
    pub fn note_cut(&mut self, cut: ConsoleCut) {
        self.budget.note_cut(cut);
    }

    /// The kept lines, ending with a notice when something was cut, and the count of what was.
    pub fn finish(self) -> (Vec<String>, Option<ConsoleCut>) {
        let Console { mut lines, budget } = self;
        let cut = budget.cut();
        if let Some(c) = cut {
            let notice = notice(c);
            tracing::warn!(target: "auth0_mock::hooks", "{notice}");
            lines.push(notice);
        }
        (lines, cut)
    }
}

fn notice(cut: ConsoleCut) -> String {
    format!(
        "auth0-mock: console output past {RUN_BYTES} bytes per run was cut: {} more line(s), {} byte(s)",
        cut.dropped_lines, cut.dropped_bytes
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept_bytes(lines: &[String]) -> usize {
        lines.iter().map(|l| l.len() + 1).sum()
    }

    #[test]
    fn a_flood_keeps_at_most_the_run_budget_notice_included() {
        let mut c = Console::default();
        for _ in 0..100 {
            c.push("x".repeat(10_000));
        }
        let (lines, _) = c.finish();
        assert!(kept_bytes(&lines) <= RUN_BYTES, "{}", kept_bytes(&lines));
    }

    #[test]
    fn a_flood_counts_the_lines_and_bytes_it_cut() {
        let mut c = Console::default();
        for _ in 0..100 {
            c.push("x".repeat(9_999));
        }
        let (_, cut) = c.finish();
        // 10,000 bytes a line with its newline: 6 fit in 64 KiB less the notice's room.
        assert_eq!(
            cut,
            Some(ConsoleCut {
                dropped_lines: 94,
                dropped_bytes: 940_000
            })
        );
    }

    #[test]
    fn a_cut_console_ends_with_a_notice_saying_so() {
        let mut c = Console::default();
        for _ in 0..100 {
            c.push("x".repeat(9_999));
        }
        let (lines, _) = c.finish();
        let last = lines.last().expect("a notice");
        assert!(last.contains("94 more line(s), 940000 byte(s)"), "{last}");
    }

    #[test]
    fn the_notice_fits_the_room_kept_for_it() {
        let worst = notice(ConsoleCut {
            dropped_lines: u64::MAX,
            dropped_bytes: u64::MAX,
        });
        assert!(worst.len() < NOTICE_ROOM, "{}", worst.len());
    }

    #[test]
    fn a_console_within_budget_is_kept_whole_without_a_notice() {
        let mut c = Console::default();
        c.push("one".into());
        c.push("two".into());
        assert_eq!(c.finish(), (vec!["one".into(), "two".into()], None));
    }

    #[test]
    fn empty_lines_are_charged_a_newline() {
        let mut b = Budget::default();
        let admitted = (0..RUN_BYTES).take_while(|_| b.admit(0)).count();
        assert_eq!(admitted, RUN_BYTES - NOTICE_ROOM);
    }

    #[test]
    fn lines_cut_elsewhere_are_counted_with_the_rest() {
        let mut c = Console::default();
        c.note_cut(ConsoleCut {
            dropped_lines: 2,
            dropped_bytes: 20,
        });
        let (lines, cut) = c.finish();
        assert_eq!(cut.map(|c| c.dropped_lines), Some(2));
        assert_eq!(lines.len(), 1, "only the notice");
    }

    #[test]
    fn a_long_line_is_cut_on_a_character_boundary_with_a_marker() {
        let line = format!("a{}", "é".repeat(MAX_LINE_BYTES));
        let cut = bound_line(line);
        assert!(cut.ends_with(CUT_MARKER), "marked");
        assert!(cut.len() <= MAX_LINE_BYTES + CUT_MARKER.len());
    }
}
