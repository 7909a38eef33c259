//! The SQLite schema, embedded in the binary from `migrations/sqlite/`.
//!
//! The list is written out rather than produced by `sqlx::migrate!`: that macro needs sqlx's
//! proc-macro crate, which would compile a second SQLite (and tokio) for the build host. A unit
//! test checks that the list and the folder agree.

use std::borrow::Cow;

use sqlx::SqlSafeStr;
use sqlx::SqlitePool;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::{Result, StoreError};

/// (version, description, SQL), in version order; the file is `{version:04}_{description with
/// underscores}.sql`. Never edit a released migration: its checksum is recorded in the database.
const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "objects and events",
    include_str!("../../migrations/sqlite/0001_objects_and_events.sql"),
)];

fn migrator() -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

pub(super) async fn run(pool: &SqlitePool) -> Result<()> {
    migrator()
        .run(pool)
        .await
        .map_err(|e| StoreError::Backend(format!("migrating the SQLite schema: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_the_folder_is_listed_in_order() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite");
        let mut files: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS
            .iter()
            .map(|(version, description, _)| {
                format!("{version:04}_{}.sql", description.replace(' ', "_"))
            })
            .collect();
        assert_eq!(files, listed);
        for (file, (_, _, sql)) in files.iter().zip(MIGRATIONS) {
            let on_disk = std::fs::read_to_string(format!("{folder}/{file}")).unwrap();
            assert_eq!(&on_disk, sql, "{file}");
        }
    }
}
