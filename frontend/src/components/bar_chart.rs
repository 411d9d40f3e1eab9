//! One series of daily numbers as an SVG bar chart drawn in the page (no chart library: the geometry is
//! `crate::charts`'), with its total in words and a title and description for screen readers.

use chrono::NaiveDate;
use yew::prelude::*;

use crate::charts::{bars, coordinate, labelled_slots, slot_centre, summary, Plot, Scale};
use crate::i18n::{use_lang, Words};

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 170.0;
/// Room on the right for half of the last date's label, which sits under today's bar.
const PLOT: Plot = Plot {
    left: 34.0,
    top: 12.0,
    width: 266.0,
    height: 132.0,
};
/// Grid lines above zero; more would crowd the labels at this height.
const MAX_STEPS: u64 = 4;
/// Date labels under the bars; more would overlap at this width.
const MAX_DATE_LABELS: usize = 5;

#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub enum Tone {
    #[default]
    Normal,
    /// Failures: drawn in the warning colour.
    Alert,
}

#[derive(Properties, PartialEq)]
pub struct BarChartProps {
    /// The series' machine name: the SVG's `data-series` and the ids' stem.
    pub series: AttrValue,
    /// "Registrations".
    pub name: AttrValue,
    /// The message id of a count of the unit, with its plural forms: "5 registrations".
    pub unit: AttrValue,
    pub dates: Vec<NaiveDate>,
    /// One per date.
    pub values: Vec<u64>,
    #[prop_or_default]
    pub tone: Tone,
}

fn day(date: NaiveDate) -> String {
    date.format("%-d %b").to_string()
}

#[function_component(BarChart)]
pub fn bar_chart(props: &BarChartProps) -> Html {
    let lang = use_lang();
    let amount = |n: u64| lang.tf(&props.unit, &[("n", n.into())]);
    let values = &props.values;
    let count = values.len().min(props.dates.len());
    let values = &values[..count];
    let dates = &props.dates[..count];
    let (total, peak) = summary(values);
    let scale = Scale::for_largest(values.iter().copied().max().unwrap_or(0), MAX_STEPS);
    let drawn = bars(values, scale, PLOT, 0.25);

    let id = format!("chart-{}", props.series);
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let name = props.name.as_str();
    let title = match (dates.first(), dates.last()) {
        (Some(first), Some(last)) => lang.tf(
            "chart-title",
            &[
                ("name", name.into()),
                ("first", (&day(*first)).into()),
                ("last", (&day(*last)).into()),
            ],
        ),
        _ => lang.tf("chart-title-no-days", &[("name", name.into())]),
    };
    let total_amount = amount(total);
    let description = match peak {
        Some((i, most)) => lang.tf(
            "chart-description",
            &[
                ("amount", (&total_amount).into()),
                ("count", count.into()),
                ("most", most.into()),
                ("day", (&day(dates[i])).into()),
            ],
        ),
        None => lang.tf(
            "chart-description-none",
            &[("amount", (&total_amount).into()), ("count", count.into())],
        ),
    };
    let tone = match props.tone {
        Tone::Normal => None,
        Tone::Alert => Some("chart-alert"),
    };

    let grid = scale.ticks().into_iter().map(|tick| {
        let y = coordinate(scale.y(tick, PLOT));
        html! {
            <g>
                <line class="chart-gridline" x1={coordinate(PLOT.left)} x2={coordinate(PLOT.right())}
                      y1={y.clone()} y2={y.clone()} />
                <text class="chart-tick" x={coordinate(PLOT.left - 6.0)} y={y} dy="0.32em"
                      text-anchor="end">{ tick }</text>
            </g>
        }
    });
    let columns = drawn.iter().zip(dates).zip(values).map(|((bar, date), value)| {
        html! {
            <rect x={coordinate(bar.x)} y={coordinate(bar.y)} width={coordinate(bar.width)}
                  height={coordinate(bar.height)} data-date={date.to_string()} data-value={value.to_string()}>
                <title>{ format!("{}: {}", day(*date), amount(*value)) }</title>
            </rect>
        }
    });
    let labels = labelled_slots(count, MAX_DATE_LABELS)
        .into_iter()
        .map(|slot| {
            html! {
                <text class="chart-date" x={coordinate(slot_centre(slot, count, PLOT))}
                      y={coordinate(HEIGHT - 6.0)} text-anchor="middle">{ day(dates[slot]) }</text>
            }
        });

    html! {
        <figure class="chart-figure" id={id.clone()}>
            <figcaption>
                <span class="chart-name">{ props.name.clone() }</span>
                <span class="chart-total" data-total={total.to_string()}>
                    { lang.tf("chart-total", &[("total", total.into()), ("count", count.into())]) }
                </span>
            </figcaption>
            <svg class={classes!("chart", tone)} data-series={props.series.clone()}
                 viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img"
                 aria-labelledby={format!("{title_id} {desc_id}")}>
                <title id={title_id}>{ title }</title>
                <desc id={desc_id}>{ description }</desc>
                <g class="chart-grid">{ for grid }</g>
                <g class="chart-bars">{ for columns }</g>
                <line class="chart-axis" x1={coordinate(PLOT.left)} x2={coordinate(PLOT.right())}
                      y1={coordinate(PLOT.bottom())} y2={coordinate(PLOT.bottom())} />
                <g class="chart-dates">{ for labels }</g>
            </svg>
        </figure>
    }
}
