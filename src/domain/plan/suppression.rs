//! Small-count suppression for reports: a count from 1 to 4 is not shown (primary), and in every
//! column whose total is shown, never exactly one count is hidden, or the total minus the shown
//! counts would give it back (complementary suppression: the smallest other non-zero count is
//! hidden too, else a zero). A total under five hides the whole column's non-zero counts with it.
//! Totals depend only on their own value, so every cut of a report hides the same totals.

/// Counts under this are not shown.
pub const THRESHOLD: u64 = 5;

/// A count as a report shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    Count(u64),
    Suppressed,
}

impl Shown {
    pub fn value(self) -> Option<u64> {
        match self {
            Shown::Count(n) => Some(n),
            Shown::Suppressed => None,
        }
    }
}

fn small(count: u64) -> bool {
    (1..THRESHOLD).contains(&count)
}

/// One column: its cells and its total. When cells overlap (a proposal in two measures), the
/// total is not their sum; the rule is kept all the same, which only hides more.
pub fn column(cells: &[u64], total: u64) -> (Vec<Shown>, Shown) {
    let mut hidden: Vec<bool> = cells.iter().map(|count| small(*count)).collect();
    let mut total_hidden = small(total);
    if total_hidden {
        // The cells would add up to it: every non-zero cell goes with it.
        for (index, count) in cells.iter().enumerate() {
            hidden[index] |= *count > 0;
        }
    } else if hidden.iter().filter(|h| **h).count() == 1 {
        // The smallest other non-zero count; else a zero (the reader cannot tell it is one).
        // The total goes only when the column has no other cell: totals are the same in every
        // cut of a report, so one hidden here and shown in another cut would give a cell back.
        let partner = cells
            .iter()
            .enumerate()
            .filter(|(index, _)| !hidden[*index])
            .min_by_key(|(index, count)| (**count == 0, **count, *index))
            .map(|(index, _)| index);
        match partner {
            Some(index) => hidden[index] = true,
            None => total_hidden = true,
        }
    }
    let shown = cells
        .iter()
        .zip(&hidden)
        .map(|(count, hide)| {
            if *hide {
                Shown::Suppressed
            } else {
                Shown::Count(*count)
            }
        })
        .collect();
    let total = if total_hidden {
        Shown::Suppressed
    } else {
        Shown::Count(total)
    };
    (shown, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What someone with the shown figures can work out about a hidden cell, when the cells
    /// add up to the total: exact only if it is the one unknown.
    fn recoverable(cells: &[Shown], total: Shown) -> bool {
        let hidden = cells.iter().filter(|c| **c == Shown::Suppressed).count();
        total != Shown::Suppressed && hidden == 1
    }

    #[test]
    fn one_small_count_takes_the_smallest_other_with_it() {
        let (cells, total) = column(&[12, 3, 7, 20], 42);
        assert_eq!(
            cells,
            [
                Shown::Count(12),
                Shown::Suppressed,
                Shown::Suppressed,
                Shown::Count(20)
            ]
        );
        assert_eq!(total, Shown::Count(42));
    }

    #[test]
    fn a_zero_is_the_partner_only_when_no_other_count_is_left() {
        let (cells, total) = column(&[0, 2, 0], 2);
        assert_eq!(cells, [Shown::Count(0), Shown::Suppressed, Shown::Count(0)]);
        assert_eq!(total, Shown::Suppressed);
        let (cells, total) = column(&[0, 3, 9], 12);
        assert_eq!(
            cells,
            [Shown::Count(0), Shown::Suppressed, Shown::Suppressed]
        );
        assert_eq!(total, Shown::Count(12));
        let (cells, total) = column(&[0, 7], 7);
        assert_eq!(cells, [Shown::Count(0), Shown::Count(7)]);
        assert_eq!(total, Shown::Count(7));
        // Overlapping cells (a proposal in two measures): the total is shown, a zero hides.
        let (cells, total) = column(&[3, 0], 6);
        assert_eq!(cells, [Shown::Suppressed, Shown::Suppressed]);
        assert_eq!(total, Shown::Count(6));
    }

    #[test]
    fn the_total_is_hidden_by_its_own_value_alone() {
        for cells in [[3u64, 0, 0], [1, 1, 1], [0, 0, 3]] {
            let (_, total) = column(&cells, 3);
            assert_eq!(total, Shown::Suppressed);
        }
        for cells in [[3u64, 5, 0], [8, 0, 0], [1, 1, 6]] {
            let (_, total) = column(&cells, 8);
            assert_eq!(total, Shown::Count(8));
        }
    }

    #[test]
    fn no_column_of_additive_counts_gives_back_a_hidden_one() {
        // Every column of up to four cells with counts 0 to 7.
        let mut checked = 0;
        for a in 0..8u64 {
            for b in 0..8 {
                for c in 0..8 {
                    for d in 0..8 {
                        let cells = [a, b, c, d];
                        let (shown, total) = column(&cells, cells.iter().sum());
                        assert!(
                            !recoverable(&shown, total),
                            "{cells:?} → {shown:?} {total:?}"
                        );
                        for (count, cell) in cells.iter().zip(&shown) {
                            if small(*count) {
                                assert_eq!(*cell, Shown::Suppressed);
                            }
                        }
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 4096);
    }
}
