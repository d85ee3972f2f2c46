//! The commands of the `appward` binary: serving (the default) and the operator's commands
//! (`crate::operations`). Every command reads the same configuration (the environment);
//! none but `serve` starts the HTTP server or housekeeping.
//!
//! A command's result goes to standard output (a password or a new key only there, never
//! through the log); what went wrong goes to standard error with what to do; the exit
//! status is 0 on success, 1 on failure (2: a command line clap cannot read).
use clap::{Parser, Subcommand};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::infra::{Config, db, read_path};
use crate::operations::{backup, database_check, key_rotation, password_reset, restore};

/// Appward: register Apps (OAuth 2.0 clients) and manage their access.
///
/// Every setting comes from the environment (APPWARD_DATA_DIR, DATABASE_URL,
/// APPWARD_SECRET_KEY…: see the README's Configuration); the commands below act on the
/// database and key those settings name.
#[derive(Debug, Parser)]
#[command(name = "appward", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the console and the OAuth endpoints (the default). Applies pending migrations
    /// first, unless APPWARD_MIGRATE=never.
    Serve,
    /// Write a consistent copy of the live SQLite database to FILE, while servers run.
    ///
    /// One read transaction (`VACUUM INTO`): servers go on answering meanwhile. The file
    /// is readable by its owner only (it holds password hashes and sealed App secrets),
    /// is checked (`integrity_check`) before it takes its name, and is never overwritten.
    /// It does not hold the key that opens the App secrets: keep the key (the key file
    /// `secret.key` of the data folder, or APPWARD_SECRET_KEY) safely apart from it.
    /// On PostgreSQL, use pg_dump instead.
    Backup {
        /// The backup file to create (it must not exist).
        file: PathBuf,
    },
    /// Put the backup FILE in place of the database of a stopped data folder.
    ///
    /// The backup is checked first (`integrity_check`, an Appward database at a migration
    /// level this binary knows); the command refuses while a server runs on the data folder.
    /// The database is replaced in one step (the old WAL removed). Put back the key kept
    /// with the backup before starting. On PostgreSQL, use pg_restore instead.
    Restore {
        /// The backup file (from `appward backup` or a scheduled backup).
        file: PathBuf,
    },
    /// Check the database (or the backup FILE): integrity, migration level, and that the
    /// key opens every sealed App secret. Prints one line; exit status 0 if good, 1 if not.
    Verify {
        /// A backup file to check instead of the configured database.
        file: Option<PathBuf>,
    },
    /// Give the account LOGIN a new password and end its sessions.
    ///
    /// The new password is generated and printed here, once (it is never logged), or read
    /// from standard input with --stdin (8 to 128 characters, one line).
    ResetPassword {
        /// The account's login (`admin` for the first Administrator).
        login: String,
        /// Read the new password from standard input instead of generating one.
        #[arg(long)]
        stdin: bool,
    },
    /// Apply pending migrations to the database, then exit (one process at a time).
    Migrate,
    /// Seal every App secret again with a new key, in one transaction.
    ///
    /// Stop every server first (they keep the old key in memory; on SQLite the command
    /// refuses while one runs). With the key file, the new key replaces it and the old one
    /// is kept beside it under a dated name (backups taken before need it); with
    /// APPWARD_SECRET_KEY, the new key is printed once: set the variable to it on every
    /// instance. The old key is refused afterwards.
    RotateKey,
}

/// An operator's command, read from the command line.
#[derive(Debug)]
pub struct OperatorCommand(Command);

/// Reads the command line (clap answers `--help`, `--version` and mistakes itself, and
/// exits): `None` for `appward` and `appward serve`, else the operator's command.
pub fn parse() -> Option<OperatorCommand> {
    match Cli::parse().command {
        None | Some(Command::Serve) => None,
        Some(command) => Some(OperatorCommand(command)),
    }
}

/// Carries out an operator's command.
pub async fn run(OperatorCommand(command): OperatorCommand) -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => return fail(format!("bad configuration: {error}")),
    };
    match command {
        Command::Serve => unreachable!("`parse` leaves serving to the caller"),
        Command::Backup { file } => take_backup(&config, file).await,
        Command::Restore { file } => restore_backup(&config, file).await,
        Command::Verify { file } => verify(&config, file).await,
        Command::ResetPassword { login, stdin } => reset_password(&config, &login, stdin).await,
        Command::Migrate => migrate(&config).await,
        Command::RotateKey => rotate_key(&config).await,
    }
}

/// Says what went wrong on standard error; exit status 1.
fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("appward: {message}");
    ExitCode::FAILURE
}

async fn take_backup(config: &Config, file: PathBuf) -> ExitCode {
    let Some(database) = read_path::sqlite_file(&config.database_url()) else {
        return fail(
            "appward backup copies the embedded SQLite database; DATABASE_URL names \
             PostgreSQL: back it up with pg_dump (pg_dump --format=custom --file=FILE \
             \"$DATABASE_URL\"), and keep APPWARD_SECRET_KEY apart from it",
        );
    };
    let busy = config.db_busy_timeout;
    match tokio::task::spawn_blocking(move || backup::write(&database, &file, busy)).await {
        Ok(Ok(written)) => {
            println!(
                "appward backup: wrote {} ({} bytes, checked, in {:.2} s). It does not hold the \
                 key of App secrets: keep {} safely apart from it",
                written.path.display(),
                written.bytes,
                written.took.as_secs_f64(),
                key_place(config)
            );
            ExitCode::SUCCESS
        }
        Ok(Err(error)) => fail(format!("backup failed: {error}")),
        Err(error) => fail(format!("backup failed: {error}")),
    }
}

/// Where the deployment's key is, in words.
fn key_place(config: &Config) -> String {
    match config.secret_key {
        Some(_) => "APPWARD_SECRET_KEY".into(),
        None => format!(
            "the key file {}",
            config
                .data_dir
                .join(crate::infra::secret_box::KEY_FILE)
                .display()
        ),
    }
}

async fn restore_backup(config: &Config, file: PathBuf) -> ExitCode {
    let config_now = config.clone();
    let restored =
        match tokio::task::spawn_blocking(move || restore::restore(&config_now, &file)).await {
            Ok(Ok(restored)) => restored,
            Ok(Err(error)) => return fail(format!("restore refused: {error}")),
            Err(error) => return fail(format!("restore failed: {error}")),
        };
    println!(
        "appward restore: {} replaced by the backup ({}).",
        restored.database.display(),
        restored.level.describe()
    );
    match restored.key {
        Ok(key) => println!("Its App secrets: {key}. Start the server."),
        Err(problem) => {
            println!("Before starting: {problem} (the server refuses to start with another key).")
        }
    }
    ExitCode::SUCCESS
}

async fn verify(config: &Config, file: Option<PathBuf>) -> ExitCode {
    let what = match &file {
        Some(file) => file.display().to_string(),
        None => match read_path::sqlite_file(&config.database_url()) {
            Some(database) => database.display().to_string(),
            None => "the database of DATABASE_URL".into(),
        },
    };
    match database_check::verify(config, file.as_deref()).await {
        Ok(verdict) => {
            println!("appward verify: OK: {what}: {verdict}");
            ExitCode::SUCCESS
        }
        Err(problem) => {
            println!("appward verify: FAILED: {what}: {problem}");
            ExitCode::FAILURE
        }
    }
}

async fn reset_password(config: &Config, login: &str, stdin: bool) -> ExitCode {
    let (password, generated) = if stdin {
        if std::io::stdin().is_terminal() {
            eprintln!("New password for '{login}' (one line, 8 to 128 characters):");
        }
        let mut line = String::new();
        if let Err(error) = std::io::stdin().lock().read_line(&mut line) {
            return fail(format!("cannot read standard input: {error}"));
        }
        (line.trim_end_matches(['\n', '\r']).to_owned(), false)
    } else {
        (password_reset::generated_password(), true)
    };
    match password_reset::reset(config, login, &password).await {
        Ok(reset) => {
            let mut out = std::io::stdout().lock();
            let ended = reset.sessions_ended;
            let written = if generated {
                writeln!(
                    out,
                    "The new password of '{login}' is: {password}\nIt is shown only this once \
                     and never logged. {ended} session(s) of the account ended."
                )
            } else {
                writeln!(
                    out,
                    "The password of '{login}' is changed. {ended} session(s) of the account ended."
                )
            };
            match written.and_then(|()| out.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => fail(format!(
                    "the password was changed but could not be printed ({error}): run \
                     reset-password again"
                )),
            }
        }
        Err(error) => fail(format!("reset-password failed: {error}")),
    }
}

async fn migrate(config: &Config) -> ExitCode {
    match db::migrate(config).await {
        Ok(applied) if applied.is_empty() => {
            println!("appward migrate: nothing to do, the database is up to date");
            ExitCode::SUCCESS
        }
        Ok(applied) => {
            println!(
                "appward migrate: applied {} migration(s): {}",
                applied.len(),
                applied.join(", ")
            );
            ExitCode::SUCCESS
        }
        Err(error) => fail(format!(
            "migrate failed: {error} (each migration commits with its record: a failed one \
             left the database as it was before it)"
        )),
    }
}

async fn rotate_key(config: &Config) -> ExitCode {
    let mut terminal = std::io::stdout();
    match key_rotation::rotate(config, &mut terminal).await {
        Ok(rotated) => {
            match rotated.new_key {
                key_rotation::NewKey::File { path, old } => println!(
                    "appward rotate-key: {} App secret(s) sealed with a new key, now in {}. The \
                     old key is refused from now on; it was moved to {}: backups taken before \
                     now need it, so keep it with them (apart from this folder).",
                    rotated.resealed,
                    path.display(),
                    old.display()
                ),
                key_rotation::NewKey::Printed => println!(
                    "appward rotate-key: {} App secret(s) sealed with the new key printed above. \
                     Set APPWARD_SECRET_KEY to it on every instance, then start them; the old \
                     key is refused from now on (keep it with the backups taken before now).",
                    rotated.resealed
                ),
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(format!("rotate-key failed: {error}")),
    }
}
