//! The CJK font for cards: found once, subset per document.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Where Debian's CJK fonts live (`fonts-droid-fallback`, `fonts-wqy-microhei`,
/// `fonts-noto-cjk`); `CARD_FONT` is tried first.
pub const FONT_CANDIDATES: &[&str] = &[
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
];

/// A font file's bytes, shared.
#[derive(Clone)]
pub struct CardFont {
    pub data: Arc<Vec<u8>>,
    pub path: PathBuf,
}

static FOUND: OnceLock<Option<CardFont>> = OnceLock::new();

impl CardFont {
    /// The first readable font among `configured` and [`FONT_CANDIDATES`] that has the glyphs
    /// cards need; looked for once per process.
    pub fn find(configured: Option<&Path>) -> Option<CardFont> {
        FOUND
            .get_or_init(|| {
                let configured = configured.map(Path::to_path_buf);
                configured
                    .into_iter()
                    .chain(FONT_CANDIDATES.iter().map(PathBuf::from))
                    .find_map(|path| {
                        let data = std::fs::read(&path).ok()?;
                        let face = ttf_parser::Face::parse(&data, 0).ok()?;
                        face.glyph_index('童')?;
                        Some(CardFont {
                            data: Arc::new(data),
                            path,
                        })
                    })
            })
            .clone()
    }
}
