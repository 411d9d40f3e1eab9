//! The geometry of the admin overview's bar charts: a value scale that ends on a round number, where
//! each day's bar goes, and which days get a label. Plain arithmetic in the SVG's own units, no browser
//! calls: tested natively.

/// The area the bars fill, inside the SVG's viewBox (the axis labels sit in the margins around it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plot {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

impl Plot {
    pub fn right(self) -> f64 {
        self.left + self.width
    }

    pub fn bottom(self) -> f64 {
        self.top + self.height
    }
}

/// A value axis from 0 to `max` in steps of `step`, both round numbers (1, 2 or 5 times a power of
/// ten), so that the grid lines read as 0, 5, 10, 15 rather than 0, 4.33, 8.67.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scale {
    pub max: u64,
    pub step: u64,
}

impl Scale {
    /// The smallest round scale that holds `largest` in at most `max_steps` steps. An all-zero series
    /// still gets an axis (0 to 1), so its chart reads as "nothing happened" rather than as empty.
    pub fn for_largest(largest: u64, max_steps: u64) -> Self {
        let max_steps = max_steps.max(1);
        let mut magnitude: u64 = 1;
        loop {
            for factor in [1, 2, 5] {
                let Some(step) = magnitude.checked_mul(factor) else {
                    return Self::covering(largest);
                };
                let steps = largest.div_ceil(step).max(1);
                if steps <= max_steps {
                    return match step.checked_mul(steps) {
                        Some(max) => Self { max, step },
                        None => Self::covering(largest),
                    };
                }
            }
            match magnitude.checked_mul(10) {
                Some(next) => magnitude = next,
                None => return Self::covering(largest),
            }
        }
    }

    /// Numbers too large for a round step: one step from 0 to the value itself.
    fn covering(largest: u64) -> Self {
        let max = largest.max(1);
        Self { max, step: max }
    }

    /// The values of the grid lines, 0 and `max` included.
    pub fn ticks(self) -> Vec<u64> {
        let step = self.step.max(1);
        (0..=self.max / step).map(|i| i * step).collect()
    }

    /// How far up the plot `value` is, as the SVG's y (which grows downwards). Values past `max` stay
    /// at the top edge.
    pub fn y(self, value: u64, plot: Plot) -> f64 {
        plot.bottom() - plot.height * self.fraction(value)
    }

    fn fraction(self, value: u64) -> f64 {
        if self.max == 0 {
            return 0.0;
        }
        (value.min(self.max) as f64) / (self.max as f64)
    }
}

/// One day's bar, in viewBox units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// The bars of `values`, one equal slot each from left to right, standing on the plot's bottom edge.
/// `gap` is the part of a slot left empty (split on both sides), from 0 (bars touch) to under 1.
pub fn bars(values: &[u64], scale: Scale, plot: Plot, gap: f64) -> Vec<Bar> {
    if values.is_empty() {
        return Vec::new();
    }
    let slot = plot.width / values.len() as f64;
    let gap = gap.clamp(0.0, 0.9);
    let width = slot * (1.0 - gap);
    values
        .iter()
        .enumerate()
        .map(|(i, &value)| {
            let y = scale.y(value, plot);
            Bar {
                x: plot.left + slot * i as f64 + slot * gap / 2.0,
                y,
                width,
                height: plot.bottom() - y,
            }
        })
        .collect()
}

/// The x at the middle of slot `index` of `count`, where its label is centred.
pub fn slot_centre(index: usize, count: usize, plot: Plot) -> f64 {
    if count == 0 {
        return plot.left;
    }
    let slot = plot.width / count as f64;
    plot.left + slot * (index as f64 + 0.5)
}

/// Which of `count` slots get a label under the axis when at most `max_labels` fit: the last one (today)
/// always, then every so many going back, evenly spaced so that no two labels collide.
pub fn labelled_slots(count: usize, max_labels: usize) -> Vec<usize> {
    if count == 0 || max_labels == 0 {
        return Vec::new();
    }
    if count <= max_labels {
        return (0..count).collect();
    }
    let every = if max_labels == 1 {
        count
    } else {
        (count - 1).div_ceil(max_labels - 1)
    };
    let mut slots: Vec<usize> = (0..count).rev().step_by(every).collect();
    slots.reverse();
    slots
}

/// A number for an SVG attribute: one decimal is finer than any screen shows.
pub fn coordinate(value: f64) -> String {
    // `+ 0.0` turns a negative zero into "0" rather than "-0".
    let rounded = (value * 10.0).round() / 10.0 + 0.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// The sum of a series, and where it peaked (the first day of the highest count), for the words beside
/// each chart.
pub fn summary(values: &[u64]) -> (u64, Option<(usize, u64)>) {
    let total = values.iter().fold(0_u64, |sum, v| sum.saturating_add(*v));
    let peak = values
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, v)| *v > 0)
        .fold(None, |best: Option<(usize, u64)>, (i, v)| match best {
            Some((_, top)) if top >= v => best,
            _ => Some((i, v)),
        });
    (total, peak)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLOT: Plot = Plot {
        left: 30.0,
        top: 10.0,
        width: 300.0,
        height: 100.0,
    };

    #[test]
    fn a_scale_ends_on_a_round_number_just_above_the_largest_value() {
        assert_eq!(Scale::for_largest(7, 4), Scale { max: 8, step: 2 });
        assert_eq!(Scale::for_largest(8, 4), Scale { max: 8, step: 2 });
        assert_eq!(Scale::for_largest(9, 4), Scale { max: 10, step: 5 });
        assert_eq!(Scale::for_largest(3, 4), Scale { max: 3, step: 1 });
        assert_eq!(Scale::for_largest(42, 4), Scale { max: 60, step: 20 });
        assert_eq!(Scale::for_largest(100, 4), Scale { max: 100, step: 50 });
        assert_eq!(
            Scale::for_largest(1234, 5),
            Scale {
                max: 1500,
                step: 500
            }
        );
    }

    #[test]
    fn every_scale_holds_its_value_in_the_steps_allowed() {
        for largest in (0..2_000).chain([u64::MAX / 3, u64::MAX - 1, u64::MAX]) {
            for max_steps in 1..=6 {
                let scale = Scale::for_largest(largest, max_steps);
                assert!(scale.max >= largest, "{largest} {max_steps}: {scale:?}");
                assert!(scale.step > 0, "{largest} {max_steps}: {scale:?}");
                assert_eq!(scale.max % scale.step, 0, "{largest}: {scale:?}");
                assert!(scale.max / scale.step <= max_steps.max(1), "{scale:?}");
            }
        }
    }

    #[test]
    fn a_series_of_zeros_still_has_an_axis() {
        let scale = Scale::for_largest(0, 4);
        assert_eq!(scale, Scale { max: 1, step: 1 });
        assert_eq!(scale.ticks(), [0, 1]);
        // Its bars have no height, and stand on the bottom edge.
        let flat = bars(&[0, 0, 0], scale, PLOT, 0.2);
        assert!(flat.iter().all(|b| b.height == 0.0 && b.y == PLOT.bottom()));
    }

    #[test]
    fn ticks_run_from_zero_to_the_top_in_steps() {
        assert_eq!(Scale { max: 8, step: 2 }.ticks(), [0, 2, 4, 6, 8]);
        assert_eq!(
            Scale {
                max: 1500,
                step: 500
            }
            .ticks(),
            [0, 500, 1000, 1500]
        );
    }

    #[test]
    fn y_grows_downwards_from_the_bottom_edge() {
        let scale = Scale { max: 10, step: 5 };
        assert_eq!(scale.y(0, PLOT), 110.0);
        assert_eq!(scale.y(5, PLOT), 60.0);
        assert_eq!(scale.y(10, PLOT), 10.0);
        // A value past the top (it cannot happen with `for_largest`) stays inside the plot.
        assert_eq!(scale.y(99, PLOT), 10.0);
    }

    #[test]
    fn bars_fill_equal_slots_side_by_side() {
        let scale = Scale { max: 4, step: 2 };
        let drawn = bars(&[4, 2, 0], scale, PLOT, 0.2);
        assert_eq!(drawn.len(), 3);
        // Slots of 100, bars of 80 with 10 either side.
        assert_eq!(
            drawn[0],
            Bar {
                x: 40.0,
                y: 10.0,
                width: 80.0,
                height: 100.0
            }
        );
        assert_eq!(
            drawn[1],
            Bar {
                x: 140.0,
                y: 60.0,
                width: 80.0,
                height: 50.0
            }
        );
        assert_eq!(drawn[2].x, 240.0);
        assert_eq!(drawn[2].height, 0.0);
        // Every bar stays inside the plot.
        for bar in &drawn {
            assert!(bar.x >= PLOT.left && bar.x + bar.width <= PLOT.right());
            assert!(bar.y >= PLOT.top && bar.y + bar.height <= PLOT.bottom() + 1e-9);
        }
    }

    #[test]
    fn thirty_days_fit_the_plot_whatever_the_gap() {
        let values: Vec<u64> = (0..30).collect();
        let scale = Scale::for_largest(29, 4);
        for gap in [-1.0, 0.0, 0.25, 1.0, 5.0] {
            let drawn = bars(&values, scale, PLOT, gap);
            assert_eq!(drawn.len(), 30);
            let last = drawn[29];
            assert!(last.x + last.width <= PLOT.right() + 1e-9, "{gap}");
            assert!(drawn.iter().all(|b| b.width > 0.0), "{gap}");
            assert!(drawn.windows(2).all(|w| w[0].x < w[1].x), "{gap}");
        }
        assert!(bars(&[], scale, PLOT, 0.2).is_empty());
    }

    #[test]
    fn labels_sit_under_the_middle_of_their_bar() {
        assert_eq!(slot_centre(0, 3, PLOT), 80.0);
        assert_eq!(slot_centre(2, 3, PLOT), 280.0);
        assert_eq!(slot_centre(0, 0, PLOT), PLOT.left);
    }

    #[test]
    fn today_is_always_labelled_and_labels_are_evenly_spaced() {
        assert_eq!(labelled_slots(30, 5), [5, 13, 21, 29]);
        assert_eq!(labelled_slots(31, 5), [6, 14, 22, 30]);
        assert_eq!(labelled_slots(29, 5), [0, 7, 14, 21, 28]);
        assert_eq!(labelled_slots(4, 5), [0, 1, 2, 3]);
        assert_eq!(labelled_slots(7, 1), [6]);
        assert!(labelled_slots(0, 5).is_empty());
        assert!(labelled_slots(5, 0).is_empty());
        for count in 1..400 {
            for max in 1..8 {
                let slots = labelled_slots(count, max);
                assert!(slots.len() <= max, "{count} {max}: {slots:?}");
                assert_eq!(slots.last(), Some(&(count - 1)), "{count} {max}");
            }
        }
    }

    #[test]
    fn coordinates_are_written_with_at_most_one_decimal() {
        assert_eq!(coordinate(12.0), "12");
        assert_eq!(coordinate(12.345), "12.3");
        assert_eq!(coordinate(0.05), "0.1");
        assert_eq!(coordinate(-0.0), "0");
    }

    #[test]
    fn a_summary_has_the_total_and_the_first_busiest_day() {
        assert_eq!(summary(&[1, 4, 0, 4, 2]), (11, Some((1, 4))));
        assert_eq!(summary(&[0, 0]), (0, None));
        assert_eq!(summary(&[]), (0, None));
        assert_eq!(summary(&[u64::MAX, 1]).0, u64::MAX);
    }
}
