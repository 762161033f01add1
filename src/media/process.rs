//! Turning uploaded bytes into renditions. Pure CPU work: callers run it off the async runtime
//! under a semaphore. The header is read and the size checked before anything is decoded, and
//! decoding runs with explicit width, height and allocation limits. Re-encoding from pixels is
//! what strips every metadata segment (EXIF with GPS, XMP, IPTC): nothing is copied across.

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

use crate::domain::media::{
    ImageKind, MAX_BYTES, MAX_PIXELS, MAX_SIDE, Region, RejectCode, Rendition, check_complete,
    check_size, sniff,
};

/// The renditions of an accepted image, as JPEG bytes, and its upright size.
pub struct Processed {
    pub display: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

pub fn process(bytes: &[u8]) -> Result<Processed, RejectCode> {
    if bytes.len() > MAX_BYTES {
        return Err(RejectCode::TooLarge);
    }
    let kind = sniff(bytes)?;
    check_complete(kind, bytes)?;
    let format = match kind {
        ImageKind::Jpeg => ImageFormat::Jpeg,
        ImageKind::Png => ImageFormat::Png,
        ImageKind::WebP => ImageFormat::WebP,
    };
    let reader = || {
        let mut reader = ImageReader::new(Cursor::new(bytes));
        reader.set_format(format);
        let mut limits = Limits::default();
        limits.max_image_width = Some(MAX_SIDE);
        limits.max_image_height = Some(MAX_SIDE);
        // Four bytes a pixel at the largest size, and room for the decoder's own buffers.
        limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
        reader.limits(limits);
        reader
    };
    let (width, height) = reader().into_dimensions().map_err(|error| match error {
        image::ImageError::Limits(_) => RejectCode::TooManyPixels,
        _ => RejectCode::Corrupt,
    })?;
    check_size(width, height)?;
    let mut decoder = reader().into_decoder().map_err(|_| RejectCode::Corrupt)?;
    let orientation = decoder.orientation().map_err(|_| RejectCode::Corrupt)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(|error| match error {
        image::ImageError::Limits(_) => RejectCode::TooManyPixels,
        _ => RejectCode::Corrupt,
    })?;
    image.apply_orientation(orientation);
    // Drawings may be transparent; JPEG is not: flatten onto white paper.
    let image = flatten(image);
    Ok(Processed {
        display: encode(&image, Rendition::Display)?,
        thumbnail: encode(&image, Rendition::Thumbnail)?,
        width: image.width(),
        height: image.height(),
    })
}

fn flatten(image: DynamicImage) -> DynamicImage {
    if !image.color().has_alpha() {
        return DynamicImage::ImageRgb8(image.to_rgb8());
    }
    let rgba = image.to_rgba8();
    let rgb = image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over_white =
            |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([over_white(r), over_white(g), over_white(b)])
    });
    DynamicImage::ImageRgb8(rgb)
}

fn encode(image: &DynamicImage, rendition: Rendition) -> Result<Vec<u8>, RejectCode> {
    let edge = rendition.long_edge();
    let sized = if image.width() > edge || image.height() > edge {
        image.thumbnail(edge, edge)
    } else {
        image.clone()
    };
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&sized)
        .map_err(|_| RejectCode::Corrupt)?;
    Ok(out)
}

/// The display rendition with each region painted over in solid grey, re-encoded.
pub fn cover(display: &[u8], regions: &[Region]) -> Result<Vec<u8>, RejectCode> {
    let mut reader = ImageReader::new(Cursor::new(display));
    reader.set_format(ImageFormat::Jpeg);
    let mut image = reader.decode().map_err(|_| RejectCode::Corrupt)?.to_rgb8();
    let (width, height) = image.dimensions();
    for region in regions {
        let (left, top, w, h) = region.pixels(width, height);
        for y in top..top + h {
            for x in left..left + w {
                image.put_pixel(x, y, image::Rgb([128, 128, 128]));
            }
        }
    }
    encode(&DynamicImage::ImageRgb8(image), Rendition::Covered)
}
