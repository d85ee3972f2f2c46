//! The server's log, written to standard output: its level from `RUST_LOG` (default
//! `info`), its format from `APPWARD_LOG_FORMAT`: `text` (the default: tracing's readable
//! lines, coloured only on a terminal) or `json` (one JSON object a line: `timestamp`, `level`, `target`, `message`, the
//! event's fields at the top level, and `spans`, the spans it was logged in, outermost first:
//! within a request, the first is `request` with its `request_id`).
//!
//! The log is started before the configuration is read (so that a bad configuration can be
//! told), which is why its one variable is read here rather than in `infra::config`.
use tracing_subscriber::EnvFilter;

use crate::infra::config::ConfigError;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// tracing's readable lines.
    Text,
    /// One JSON object a line.
    Json,
}

/// The variable that picks the format.
pub const FORMAT_VARIABLE: &str = "APPWARD_LOG_FORMAT";

/// The format `value` of `APPWARD_LOG_FORMAT` names (unset or empty: text).
pub fn format_from(value: Option<&str>) -> Result<Format, ConfigError> {
    match value.map(str::trim).filter(|value| !value.is_empty()) {
        None => Ok(Format::Text),
        Some(value) if value.eq_ignore_ascii_case("text") => Ok(Format::Text),
        Some(value) if value.eq_ignore_ascii_case("json") => Ok(Format::Json),
        Some(value) => Err(ConfigError {
            variable: FORMAT_VARIABLE,
            message: format!("must be json or text, not {value:?}"),
        }),
    }
}

/// Starts the process's log. A bad `APPWARD_LOG_FORMAT` (or one that is not UTF-8) starts
/// the text log, so that the error can be told, and is returned: the server must not start.
pub fn init() -> Result<(), ConfigError> {
    let value = std::env::var_os(FORMAT_VARIABLE);
    let format = match value.as_deref().map(|value| value.to_str()) {
        None => Ok(Format::Text),
        Some(Some(value)) => format_from(Some(value)),
        Some(None) => Err(ConfigError {
            variable: FORMAT_VARIABLE,
            message: "must be json or text (the value is not UTF-8)".into(),
        }),
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    match format {
        Ok(Format::Json) => {
            tracing_subscriber::fmt()
                .json()
                .flatten_event(true)
                .with_current_span(false)
                .with_span_list(true)
                .with_env_filter(filter)
                .init();
            // A panic's message goes through the log too, so that every line stays JSON.
            std::panic::set_hook(Box::new(|info| {
                let backtrace = std::backtrace::Backtrace::capture();
                if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
                    tracing::error!(panic = %info, %backtrace, "a thread panicked");
                } else {
                    tracing::error!(panic = %info, "a thread panicked");
                }
            }));
        }
        // Colours only on a terminal: a file, the journal or a log shipper gets plain text.
        _ => tracing_subscriber::fmt()
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
            .with_env_filter(filter)
            .init(),
    }
    format.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_is_text_or_json_and_nothing_else() {
        assert_eq!(format_from(None).unwrap(), Format::Text);
        assert_eq!(format_from(Some("")).unwrap(), Format::Text);
        assert_eq!(format_from(Some("text")).unwrap(), Format::Text);
        assert_eq!(format_from(Some(" JSON ")).unwrap(), Format::Json);
        let error = format_from(Some("logfmt")).unwrap_err();
        assert_eq!(error.variable, "APPWARD_LOG_FORMAT");
        assert!(
            error
                .to_string()
                .starts_with("APPWARD_LOG_FORMAT: must be json or text"),
            "{error}"
        );
    }
}
