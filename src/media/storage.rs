//! Where renditions live, content-addressed: a rendition is stored once, under the SHA-256 of its
//! bytes. On PostgreSQL they are rows of `media_blobs`, in the record with everything else, so
//! every instance serves every image and backups and erasure cover them; on the embedded default
//! they are files under `DATA_DIR/media`. Services see one `Storage`; another place (an
//! S3-compatible store) is one more variant here.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

#[derive(Clone)]
pub enum Storage {
    /// Files under a directory (the embedded default).
    Disk(PathBuf),
    /// Rows of `media_blobs` (PostgreSQL).
    Database(DatabaseConnection),
}

fn key_of(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn failed(error: sea_orm::DbErr) -> std::io::Error {
    std::io::Error::other(error)
}

impl Storage {
    /// The database's own table on PostgreSQL; files under `root` otherwise.
    pub fn for_database(db: &DatabaseConnection, root: PathBuf) -> Self {
        match db.get_database_backend() {
            DbBackend::Postgres => Storage::Database(db.clone()),
            _ => Storage::Disk(root),
        }
    }

    /// Where renditions are kept, for the logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Storage::Disk(_) => "disk",
            Storage::Database(_) => "database",
        }
    }

    /// Stores the bytes (unless the same bytes are stored already) and returns their key.
    pub async fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let key = key_of(bytes);
        match self {
            Storage::Disk(root) => {
                let path = file(root, &key);
                if tokio::fs::try_exists(&path).await? {
                    return Ok(key);
                }
                if let Some(parent) = path.parent() {
                    tokio::fs::create_dir_all(parent).await?;
                }
                // Written aside and renamed, so a reader never sees half a file.
                let partial = path.with_extension(format!("part-{}", uuid::Uuid::new_v4()));
                tokio::fs::write(&partial, bytes).await?;
                tokio::fs::rename(&partial, &path).await?;
            }
            Storage::Database(db) => {
                db.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "INSERT INTO media_blobs (key, bytes) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                    [key.clone().into(), bytes.to_vec().into()],
                ))
                .await
                .map_err(failed)?;
            }
        }
        Ok(key)
    }

    pub async fn get(&self, key: &str) -> std::io::Result<Vec<u8>> {
        match self {
            Storage::Disk(root) => tokio::fs::read(file(root, key)).await,
            Storage::Database(db) => {
                let row = db
                    .query_one_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "SELECT bytes FROM media_blobs WHERE key = $1",
                        [key.into()],
                    ))
                    .await
                    .map_err(failed)?
                    .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))?;
                row.try_get::<Vec<u8>>("", "bytes").map_err(failed)
            }
        }
    }

    /// Deletes a stored rendition; one already gone is not an error.
    pub async fn delete(&self, key: &str) -> std::io::Result<()> {
        match self {
            Storage::Disk(root) => match tokio::fs::remove_file(file(root, key)).await {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
                _ => Ok(()),
            },
            Storage::Database(db) => {
                db.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "DELETE FROM media_blobs WHERE key = $1",
                    [key.into()],
                ))
                .await
                .map_err(failed)?;
                Ok(())
            }
        }
    }
}

fn file(root: &std::path::Path, key: &str) -> PathBuf {
    let (prefix, _) = key.split_at(key.len().min(2));
    root.join(prefix).join(format!("{key}.jpg"))
}
