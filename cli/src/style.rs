//! Colour, only for a person: on a terminal, and never when `NO_COLOR` is set (to anything but
//! the empty string, as <https://no-color.org> says) or with `--json`.

use std::io::IsTerminal;

/// How one stream is painted.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    colour: bool,
}

impl Style {
    /// The style for stdout (`stderr == false`) or stderr.
    pub fn detect(stderr: bool) -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let terminal = if stderr { std::io::stderr().is_terminal() } else { std::io::stdout().is_terminal() };
        Style { colour: terminal && !no_color }
    }

    fn paint(self, sgr: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
    pub fn good(self, text: &str) -> String {
        self.paint("1;32", text)
    }
    pub fn bad(self, text: &str) -> String {
        self.paint("1;31", text)
    }
    pub fn warn(self, text: &str) -> String {
        self.paint("1;33", text)
    }
    pub fn key(self, text: &str) -> String {
        self.paint("36", text)
    }
}
