//! Children's drawings and photos: what we accept, and how an upload can be refused.

/// The formats we take, recognised from the content, never from a name or declared type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    WebP,
}

/// Why an upload was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RejectCode {
    UnsupportedFormat,
    TooLarge,
    TooManyPixels,
    Corrupt,
}

crate::domain::text_enum!(RejectCode {
    UnsupportedFormat = "UNSUPPORTED_FORMAT",
    TooLarge = "TOO_LARGE",
    TooManyPixels = "TOO_MANY_PIXELS",
    Corrupt = "CORRUPT",
});

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaState {
    Processing,
    Ready,
    Rejected,
}

crate::domain::text_enum!(MediaState { Processing = "processing", Ready = "ready", Rejected = "rejected" });

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rendition {
    /// Long edge at most 1,600 px.
    Display,
    /// At most 320 px.
    Thumbnail,
    /// The display rendition with the regions a teacher covered (faces, house numbers).
    Covered,
}

crate::domain::text_enum!(Rendition { Display = "display", Thumbnail = "thumbnail", Covered = "covered" });

impl Rendition {
    pub fn long_edge(self) -> u32 {
        match self {
            Rendition::Display | Rendition::Covered => 1600,
            Rendition::Thumbnail => 320,
        }
    }
}

/// A region of an image to cover, in fractions of its width and height (0 to 1), so that it
/// means the same on every rendition.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Region {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Region {
    /// A region inside the image, or `None`.
    pub fn parse(x: f64, y: f64, width: f64, height: f64) -> Option<Region> {
        let inside = |v: f64| (0.0..=1.0).contains(&v);
        (inside(x)
            && inside(y)
            && width > 0.0
            && height > 0.0
            && inside(x + width)
            && inside(y + height))
        .then_some(Region {
            x,
            y,
            width,
            height,
        })
    }

    /// The pixel rectangle on an image of this size: (left, top, width, height), at least 1 px.
    pub fn pixels(self, image_width: u32, image_height: u32) -> (u32, u32, u32, u32) {
        let scale = |v: f64, size: u32| (v * f64::from(size)).round() as u32;
        let left = scale(self.x, image_width).min(image_width.saturating_sub(1));
        let top = scale(self.y, image_height).min(image_height.saturating_sub(1));
        let width = scale(self.width, image_width).clamp(1, image_width - left);
        let height = scale(self.height, image_height).clamp(1, image_height - top);
        (left, top, width, height)
    }
}

/// At most this many bytes in one upload.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// At most this many pixels on a side.
pub const MAX_SIDE: u32 = 6000;
/// At most this many pixels in all (24 megapixels).
pub const MAX_PIXELS: u64 = 24_000_000;

/// What the first bytes say the file is. A file that is also a ZIP archive (a polyglot) is not
/// an image we take, whatever its first bytes say.
pub fn sniff(bytes: &[u8]) -> Result<ImageKind, RejectCode> {
    let kind = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        ImageKind::Jpeg
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        ImageKind::Png
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        ImageKind::WebP
    } else {
        return Err(RejectCode::UnsupportedFormat);
    };
    let zip = bytes
        .windows(4)
        .any(|window| window == b"PK\x03\x04" || window == b"PK\x05\x06");
    if zip {
        Err(RejectCode::UnsupportedFormat)
    } else {
        Ok(kind)
    }
}

/// Whether the file is whole: decoders forgive a truncated JPEG or PNG and invent the missing
/// part, but a file cut short in transfer is refused as CORRUPT, so the child can try again.
pub fn check_complete(kind: ImageKind, bytes: &[u8]) -> Result<(), RejectCode> {
    let end = bytes.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
    let whole = match kind {
        ImageKind::Jpeg => bytes[..end].ends_with(&[0xFF, 0xD9]),
        ImageKind::Png => bytes[..end].ends_with(b"IEND\xAE\x42\x60\x82"),
        ImageKind::WebP => {
            let declared = bytes
                .get(4..8)
                .map(|n| u32::from_le_bytes([n[0], n[1], n[2], n[3]]) as usize + 8);
            declared.is_some_and(|declared| declared <= bytes.len())
        }
    };
    if whole {
        Ok(())
    } else {
        Err(RejectCode::Corrupt)
    }
}

/// Whether an image of this size may be decoded at all.
pub fn check_size(width: u32, height: u32) -> Result<(), RejectCode> {
    let pixels = u64::from(width) * u64::from(height);
    if width == 0 || height == 0 {
        Err(RejectCode::Corrupt)
    } else if width > MAX_SIDE || height > MAX_SIDE || pixels > MAX_PIXELS {
        Err(RejectCode::TooManyPixels)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_content() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Ok(ImageKind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Ok(ImageKind::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Ok(ImageKind::WebP));
        assert_eq!(
            sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Err(RejectCode::UnsupportedFormat)
        );
        assert_eq!(
            sniff(b"<!doctype html><p>hi"),
            Err(RejectCode::UnsupportedFormat)
        );
        let mut polyglot = vec![0xFF, 0xD8, 0xFF, 0xE0];
        polyglot.extend_from_slice(b"....PK\x03\x04zip");
        assert_eq!(sniff(&polyglot), Err(RejectCode::UnsupportedFormat));
    }

    #[test]
    fn sizes_past_the_limits_are_refused_before_decoding() {
        assert!(check_size(6000, 4000).is_ok());
        assert_eq!(check_size(6001, 10), Err(RejectCode::TooManyPixels));
        assert_eq!(
            check_size(5000, 5000),
            Err(RejectCode::TooManyPixels),
            "25 megapixels"
        );
        assert_eq!(check_size(100_000, 100_000), Err(RejectCode::TooManyPixels));
        assert_eq!(check_size(0, 10), Err(RejectCode::Corrupt));
    }

    #[test]
    fn a_file_cut_short_is_not_whole() {
        assert!(check_complete(ImageKind::Jpeg, &[0xFF, 0xD8, 0xFF, 0xD9, 0, 0]).is_ok());
        assert_eq!(
            check_complete(ImageKind::Jpeg, &[0xFF, 0xD8, 0xFF, 0xDB, 1, 2]),
            Err(RejectCode::Corrupt)
        );
        assert!(check_complete(ImageKind::Png, b"\x89PNG....IEND\xAE\x42\x60\x82").is_ok());
        assert_eq!(
            check_complete(ImageKind::Png, b"\x89PNG....IDAT"),
            Err(RejectCode::Corrupt)
        );
    }
}

/// Who uploaded a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Uploader {
    Child(uuid::Uuid),
    Staff(uuid::Uuid),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Media {
    pub id: crate::domain::ids::MediaId,
    pub uploader: Uploader,
    /// The child it is of or for, whose teachers may see it.
    pub child_id: Option<crate::domain::ids::ChildId>,
    pub class_id: Option<crate::domain::ids::ClassId>,
    pub state: MediaState,
    pub reject_code: Option<RejectCode>,
    pub display_key: Option<String>,
    pub thumbnail_key: Option<String>,
    pub covered_key: Option<String>,
    /// A teacher marked it fit for the public (a drawing, say, not a photo of faces).
    pub publishable: bool,
    pub width: Option<u32>,
    pub height: Option<u32>,
}
