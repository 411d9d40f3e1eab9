//! Where a page of an admin list stands in the whole list: the pages before and after it, and the
//! words for "26–50 of 73". No browser calls: tested natively.

use shared::admin::{Page, Paging};

use crate::i18n::{Language, Words};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

impl Position {
    pub fn of<T>(page: &Page<T>) -> Self {
        Self {
            page: page.page.max(1),
            per_page: page.per_page.max(1),
            total: page.total,
        }
    }

    pub fn pages(self) -> u64 {
        Paging {
            page: self.page,
            per_page: self.per_page,
        }
        .pages(self.total)
    }

    pub fn previous(self) -> Option<u32> {
        (self.page > 1).then(|| self.page - 1)
    }

    /// The next page, when there is one. A page past the end (an old link after deletions) leads back
    /// through `previous`, not further on.
    pub fn next(self) -> Option<u32> {
        if u64::from(self.page) < self.pages() {
            self.page.checked_add(1)
        } else {
            None
        }
    }

    /// "26–50 of 73", "73 of 73" on a page holding them all, "None" for an empty list.
    pub fn range_text(self, lang: Language, shown: usize) -> String {
        if self.total == 0 {
            return lang.t("pager-range-none");
        }
        if shown == 0 {
            return lang.tf("pager-range-none-here", &[("total", self.total.into())]);
        }
        let first = u64::from(self.page - 1) * u64::from(self.per_page) + 1;
        let last = first + shown as u64 - 1;
        if first == 1 && last == self.total {
            lang.tf("pager-range-all", &[("total", self.total.into())])
        } else {
            lang.tf(
                "pager-range",
                &[
                    ("first", first.into()),
                    ("last", last.into()),
                    ("total", self.total.into()),
                ],
            )
        }
    }
}

/// A page number for a URL: page 1 is the list's own address, without `page=1`.
pub fn page_param(page: u32) -> Option<u32> {
    (page > 1).then_some(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(page: u32, total: u64) -> Position {
        Position {
            page,
            per_page: 25,
            total,
        }
    }

    #[test]
    fn the_first_and_last_pages_have_no_neighbour_beyond() {
        assert_eq!((at(1, 73).previous(), at(1, 73).next()), (None, Some(2)));
        assert_eq!((at(2, 73).previous(), at(2, 73).next()), (Some(1), Some(3)));
        assert_eq!((at(3, 73).previous(), at(3, 73).next()), (Some(2), None));
        assert_eq!(at(1, 73).pages(), 3);
    }

    #[test]
    fn an_empty_list_is_one_empty_page() {
        assert_eq!(at(1, 0).pages(), 1);
        assert_eq!((at(1, 0).previous(), at(1, 0).next()), (None, None));
        assert_eq!(at(1, 0).range_text(Language::ENGLISH, 0), "None");
    }

    #[test]
    fn a_page_past_the_end_leads_back() {
        let past = at(9, 30);
        assert_eq!(past.next(), None);
        assert_eq!(past.previous(), Some(8));
        assert_eq!(
            past.range_text(Language::ENGLISH, 0),
            "None on this page, 30 in all"
        );
    }

    #[test]
    fn the_range_names_the_first_and_last_item_shown() {
        assert_eq!(at(1, 73).range_text(Language::ENGLISH, 25), "1–25 of 73");
        assert_eq!(at(3, 73).range_text(Language::ENGLISH, 23), "51–73 of 73");
        assert_eq!(at(1, 7).range_text(Language::ENGLISH, 7), "7 of 7");
    }

    #[test]
    fn page_one_is_left_out_of_the_url() {
        assert_eq!(page_param(1), None);
        assert_eq!(page_param(0), None);
        assert_eq!(page_param(2), Some(2));
    }

    #[test]
    fn a_page_from_the_server_is_read_as_it_is() {
        let page = Page::<u8> {
            items: vec![1, 2],
            total: 27,
            page: 2,
            per_page: 25,
        };
        let position = Position::of(&page);
        assert_eq!(
            position.range_text(Language::ENGLISH, page.items.len()),
            "26–27 of 27"
        );
        assert_eq!(position.next(), None);
    }
}
