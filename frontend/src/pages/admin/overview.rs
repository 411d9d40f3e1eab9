//! `/admin`: the last 30 days in numbers: registrations, confirmations, sign-ins, failed sign-ins and
//! failed mails, each as a bar chart drawn here, with its total in words and every number in a table.

use shared::admin::{DayStats, Stats, StatsQuery, DEFAULT_STATS_DAYS};
use yew::prelude::*;

use super::{refusal, AdminFrame, AdminGate};
use crate::api;
use crate::charts::summary;
use crate::components::{BarChart, Tone};
use crate::hooks::use_load;

#[function_component(AdminOverview)]
pub fn admin_overview() -> Html {
    html! { <AdminGate><Overview /></AdminGate> }
}

/// One line of the daily numbers.
struct Series {
    key: &'static str,
    name: &'static str,
    unit: &'static str,
    tone: Tone,
    value: fn(&DayStats) -> u64,
}

const SERIES: [Series; 5] = [
    Series {
        key: "registrations",
        name: "Registrations",
        unit: "registrations",
        tone: Tone::Normal,
        value: |d| d.registrations,
    },
    Series {
        key: "verifications",
        name: "Confirmed addresses",
        unit: "confirmations",
        tone: Tone::Normal,
        value: |d| d.verifications,
    },
    Series {
        key: "logins",
        name: "Sign-ins",
        unit: "sign-ins",
        tone: Tone::Normal,
        value: |d| d.logins,
    },
    Series {
        key: "failed_logins",
        name: "Failed sign-ins",
        unit: "failed sign-ins",
        tone: Tone::Alert,
        value: |d| d.failed_logins,
    },
    Series {
        key: "mails_failed",
        name: "Failed mails",
        unit: "failed mails",
        tone: Tone::Alert,
        value: |d| d.mails_failed,
    },
];

fn values(stats: &Stats, series: &Series) -> Vec<u64> {
    stats.days.iter().map(series.value).collect()
}

#[function_component(Overview)]
fn overview() -> Html {
    let loaded = use_load(
        StatsQuery {
            days: Some(DEFAULT_STATS_DAYS),
        },
        api::admin_stats,
    );
    let body = match (&loaded.data, &loaded.problem) {
        (_, Some(problem)) => refusal(problem),
        (None, None) => html! { <p class="hint" role="status">{ "Loading the numbers…" }</p> },
        (Some(stats), None) => numbers(stats),
    };
    html! {
        <AdminFrame title="Administration">
            <p class="lead">{ format!("The last {DEFAULT_STATS_DAYS} days, today included (days in UTC).") }</p>
            { body }
        </AdminFrame>
    }
}

fn numbers(stats: &Stats) -> Html {
    let dates: Vec<_> = stats.days.iter().map(|d| d.date).collect();
    let totals = SERIES.iter().map(|series| {
        let (total, _) = summary(&values(stats, series));
        html! {
            <div class="stat-total">
                <dt>{ series.name }</dt>
                <dd data-series={series.key} data-total={total.to_string()}>{ total }</dd>
            </div>
        }
    });
    let charts = SERIES.iter().map(|series| {
        html! {
            <BarChart series={series.key} name={series.name} unit={series.unit}
                      dates={dates.clone()} values={values(stats, series)} tone={series.tone} />
        }
    });
    html! {
        <>
            <h2 class="visually-hidden">{ "Totals" }</h2>
            <dl class="stat-totals" id="admin-totals" data-testid="admin-totals">{ for totals }</dl>
            <h2 class="visually-hidden">{ "Per day" }</h2>
            <div class="charts" id="admin-charts">{ for charts }</div>
            <details class="stats-table">
                <summary>{ "Every day's numbers as a table" }</summary>
                <div class="table-scroll">
                    <table class="data-table admin-stats">
                        <thead>
                            <tr>
                                <th scope="col">{ "Day" }</th>
                                { for SERIES.iter().map(|s| html! { <th scope="col">{ s.name }</th> }) }
                            </tr>
                        </thead>
                        <tbody>
                            { for stats.days.iter().rev().map(|day| html! {
                                <tr data-date={day.date.to_string()}>
                                    <th scope="row" data-label="Day">{ day.date.format("%-d %b %Y").to_string() }</th>
                                    { for SERIES.iter().map(|s| html! {
                                        <td data-label={s.name} class="cell-number">{ (s.value)(day) }</td>
                                    }) }
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            </details>
        </>
    }
}
