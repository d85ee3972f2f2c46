//! What an operator does to a deployment besides serving it: back it up (now, or on a
//! schedule), restore a backup, verify a database, reset a password, migrate, rotate the key
//! of App secrets. The commands of the `appward` binary (`crate::server::commands`) carry
//! these out; only the scheduled backups run inside a server.
pub mod backup;
pub mod database_check;
pub mod key_rotation;
pub mod password_reset;
pub mod restore;
pub mod scheduled_backups;
pub mod serving_lock;

/// A failed operation, said in words that tell the operator what to do.
pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// A time as `YYYYMMDDTHHMMSSZ` (UTC), for file names that sort by time.
pub fn compact_utc(time: std::time::SystemTime) -> String {
    humantime::format_rfc3339_seconds(time)
        .to_string()
        .replace(['-', ':'], "")
}

#[cfg(test)]
mod tests {
    #[test]
    fn compact_times_sort_as_they_happened() {
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_796_000_000);
        assert_eq!(super::compact_utc(at), "20261130T005320Z");
    }
}
