//! Pages of lists: how many items a client may ask for at once, and where to continue.

use crate::error::AppError;
use crate::error::FieldCode;

/// How many items one page may hold; asking for more is a validation error, not a silent cap.
pub const MAX_PAGE_SIZE: u32 = 50;
pub const DEFAULT_PAGE_SIZE: u32 = 20;

/// A forward page request: up to `first` items after the item whose key is `after`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRequest<K> {
    first: u32,
    pub after: Option<K>,
}

impl<K> PageRequest<K> {
    /// Parses a client's `first`. The field path in the error is `["first"]`.
    pub fn parse(first: Option<i32>, after: Option<K>) -> Result<Self, AppError> {
        let first = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if n < 1 => {
                return Err(AppError::validation(
                    &["first"],
                    FieldCode::TooSmall,
                    "每页至少要有 1 条。",
                ));
            }
            Some(n) if n as u32 > MAX_PAGE_SIZE => {
                return Err(AppError::validation(
                    &["first"],
                    FieldCode::TooLarge,
                    format!("每页最多 {MAX_PAGE_SIZE} 条。"),
                ));
            }
            Some(n) => n as u32,
        };
        Ok(PageRequest { first, after })
    }

    /// Converts the cursor's key; a key that does not convert is an invalid cursor.
    pub fn try_map_after<L>(
        self,
        convert: impl FnOnce(K) -> Option<L>,
    ) -> Result<PageRequest<L>, AppError> {
        let after = match self.after {
            None => None,
            Some(key) => Some(convert(key).ok_or_else(invalid_cursor)?),
        };
        Ok(PageRequest {
            first: self.first,
            after,
        })
    }

    pub fn first(&self) -> u32 {
        self.first
    }

    /// How many rows to fetch: one more than asked, to know whether there is a next page.
    pub fn fetch_limit(&self) -> u64 {
        u64::from(self.first) + 1
    }
}

/// The error for a cursor the server did not issue.
pub fn invalid_cursor() -> AppError {
    AppError::validation(
        &["after"],
        FieldCode::InvalidCursor,
        "翻页位置无效，请从第一页开始。",
    )
}

/// One page of items, and whether more follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next_page: bool,
}

impl<T> Page<T> {
    /// Builds a page from rows fetched with [`PageRequest::fetch_limit`].
    pub fn from_overfetched(mut rows: Vec<T>, request: &PageRequest<impl Sized>) -> Self {
        let has_next_page = rows.len() > request.first as usize;
        rows.truncate(request.first as usize);
        Page {
            items: rows,
            has_next_page,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn fifty_is_allowed_and_fifty_one_is_refused_on_the_first_field() {
        assert_eq!(
            PageRequest::<()>::parse(Some(50), None).unwrap().first(),
            50
        );
        match PageRequest::<()>::parse(Some(51), None) {
            Err(AppError::Validation(fields)) => assert_eq!(fields[0].path, vec!["first"]),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn zero_and_negative_sizes_are_refused() {
        for first in [0, -1, i32::MIN] {
            let error = PageRequest::<()>::parse(Some(first), None).unwrap_err();
            assert_eq!(error.code(), ErrorCode::Validation);
        }
    }

    #[test]
    fn an_overfetched_row_means_a_next_page() {
        let request = PageRequest::<()>::parse(Some(2), None).unwrap();
        let page = Page::from_overfetched(vec![1, 2, 3], &request);
        assert_eq!(page.items, vec![1, 2]);
        assert!(page.has_next_page);
        let page = Page::from_overfetched(vec![1, 2], &request);
        assert!(!page.has_next_page);
    }
}
