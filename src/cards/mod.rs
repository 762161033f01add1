//! Printable sign-in cards: an A4 PDF with eight cards a page, each with the class, the child's
//! pseudonym, the class code, the PIN and the QR badge.
//!
//! Chinese text needs a CJK font, which is not shipped in the repository (a full one is several
//! megabytes): the first font found among `CARD_FONT` and the usual Debian paths is used, and
//! only the glyphs a document uses are embedded. ASCII (codes, PINs) is set in Courier, which
//! every PDF reader has.

mod font;
mod layout;

pub use font::{CardFont, FONT_CANDIDATES};
pub use layout::{Card, render};
