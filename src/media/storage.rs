//! Content-addressed files: a rendition is stored once, under the SHA-256 of its bytes.

use sha2::{Digest, Sha256};
use std::path::PathBuf;

#[derive(Clone)]
pub struct Storage {
    root: PathBuf,
}

impl Storage {
    pub fn new(root: PathBuf) -> Self {
        Storage { root }
    }

    /// Stores the bytes (unless the same bytes are stored already) and returns their key.
    pub async fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let key: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let path = self.path(&key);
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
        Ok(key)
    }

    pub async fn get(&self, key: &str) -> std::io::Result<Vec<u8>> {
        tokio::fs::read(self.path(key)).await
    }

    /// Deletes a stored rendition; a file already gone is not an error.
    pub async fn delete(&self, key: &str) -> std::io::Result<()> {
        match tokio::fs::remove_file(self.path(key)).await {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }

    fn path(&self, key: &str) -> PathBuf {
        let (prefix, _) = key.split_at(key.len().min(2));
        self.root.join(prefix).join(format!("{key}.jpg"))
    }
}
