//! Argon2id whose working memory glibc hands straight back to the system.
//!
//! A hash works in 19 MiB. `argon2` takes it with `vec!` and frees it after each hash, and glibc's
//! malloc learns from that free: it raises its mmap threshold to 19 MiB (and its trim threshold
//! to twice that) for the whole process. From then on, every allocation under 19 MiB, from any
//! thread, comes from the heaps and arenas, and up to 38 MiB free in each of them is kept. An idle
//! server that had signed in a few dozen staff held 470 MB instead of 50 MB (see
//! `bench/RESULTS.md`).
//!
//! glibc only learns from chunks up to 32 MiB. So the working memory is reserved with a capacity
//! above that, and only the 19 MiB the hash needs is ever touched: the reservation is a fresh
//! mapping, released whole when the hash ends, and teaches malloc nothing. The hashes are
//! argon2's own, in the same PHC strings, so old and new hashes verify either way.

use argon2::password_hash::{Ident, Output, ParamsString, PasswordHash, PasswordHasher, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// Above glibc's largest adaptive mmap threshold (32 MiB on 64-bit), in 1 KiB blocks.
const RESERVED_BLOCKS: usize = 33 * 1024;

/// Argon2id with default parameters, hashing in memory that is not kept after each hash.
#[derive(Clone, Copy, Default)]
pub struct Argon2Released;

impl PasswordHasher for Argon2Released {
    type Params = Params;

    fn hash_password<'a>(
        &self,
        password: &[u8],
        salt: impl Into<Salt<'a>>,
    ) -> argon2::password_hash::Result<PasswordHash<'a>> {
        self.hash_password_customized(password, None, None, Params::default(), salt)
    }

    fn hash_password_customized<'a>(
        &self,
        password: &[u8],
        algorithm: Option<Ident<'a>>,
        version: Option<u32>,
        params: Params,
        salt: impl Into<Salt<'a>>,
    ) -> argon2::password_hash::Result<PasswordHash<'a>> {
        let algorithm = algorithm
            .map(Algorithm::try_from)
            .transpose()?
            .unwrap_or_default();
        let version = version
            .map(Version::try_from)
            .transpose()?
            .unwrap_or_default();
        let salt = salt.into();
        let mut salt_buffer = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_buffer)?;
        let hasher = Argon2::new(algorithm, version, params.clone());
        let length = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
        let output = Output::init_with(length, |out| {
            let mut memory = Vec::with_capacity(params.block_count().max(RESERVED_BLOCKS));
            memory.resize(params.block_count(), Block::default());
            Ok(hasher.hash_password_into_with_memory(password, salt_bytes, out, &mut memory)?)
        })?;
        Ok(PasswordHash {
            algorithm: algorithm.ident(),
            version: Some(version.into()),
            params: ParamsString::try_from(&params)?,
            salt: Some(salt),
            hash: Some(output),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordVerifier, SaltString, rand_core::OsRng};

    #[test]
    fn its_hashes_are_argon2s_own_both_ways() {
        let salt = SaltString::generate(&mut OsRng);
        let ours = Argon2Released
            .hash_password(b"a staff password", &salt)
            .unwrap();
        let stock = Argon2::default()
            .hash_password(b"a staff password", &salt)
            .unwrap();
        assert_eq!(ours.to_string(), stock.to_string());
        assert!(
            Argon2Released
                .verify_password(b"a staff password", &stock)
                .is_ok()
        );
        assert!(
            Argon2::default()
                .verify_password(b"a staff password", &ours)
                .is_ok()
        );
        assert!(
            Argon2Released
                .verify_password(b"another password", &stock)
                .is_err()
        );
    }
}
