//! The commands of the `appward` binary. Today only one: serving (the default).
use std::process::ExitCode;

/// Carries out the command line's command.
pub async fn run() -> ExitCode {
    super::serve().await
}
