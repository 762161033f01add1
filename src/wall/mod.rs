//! The public wall (`/`), its charts, and the open-data files (`/feed.atom`, `/published.csv`):
//! server-rendered, in simplified Chinese, readable on a phone, from the same public data as the
//! GraphQL queries, so nothing unpublished or identifying can reach them.

mod charts;
pub mod evaluation;
mod feeds;
mod page;

pub use feeds::{atom, csv};
pub use page::{WallFilter, render};

/// Escapes text for HTML and XML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            super::escape("<b>\"x\" & 'y'</b>"),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"
        );
    }
}
