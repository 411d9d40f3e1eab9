//! `/admin`: the last 30 days in numbers: registrations, confirmations, sign-ins, failed sign-ins and
//! failed mails, each as a bar chart drawn here, with its total in words and every number in a table.

use shared::admin::{DayStats, Stats, StatsQuery, DEFAULT_STATS_DAYS};
use yew::prelude::*;

use super::{refusal, AdminFrame, AdminGate};
use crate::api;
use crate::charts::summary;
use crate::components::{BarChart, Tone};
use crate::hooks::use_load;
use crate::i18n::{msg, use_lang, Language, Words};

#[function_component(AdminOverview)]
pub fn admin_overview() -> Html {
    html! { <AdminGate><Overview /></AdminGate> }
}

/// One line of the daily numbers.
struct Series {
    key: &'static str,
    /// The message ids of its name and of a count of it ("5 registrations").
    name: &'static str,
    unit: &'static str,
    tone: Tone,
    value: fn(&DayStats) -> u64,
}

const SERIES: [Series; 5] = [
    Series {
        key: "registrations",
        name: msg("stats-registrations"),
        unit: msg("stats-unit-registrations"),
        tone: Tone::Normal,
        value: |d| d.registrations,
    },
    Series {
        key: "verifications",
        name: msg("stats-verifications"),
        unit: msg("stats-unit-verifications"),
        tone: Tone::Normal,
        value: |d| d.verifications,
    },
    Series {
        key: "logins",
        name: msg("stats-logins"),
        unit: msg("stats-unit-logins"),
        tone: Tone::Normal,
        value: |d| d.logins,
    },
    Series {
        key: "failed_logins",
        name: msg("stats-failed-logins"),
        unit: msg("stats-unit-failed-logins"),
        tone: Tone::Alert,
        value: |d| d.failed_logins,
    },
    Series {
        key: "mails_failed",
        name: msg("stats-mails-failed"),
        unit: msg("stats-unit-mails-failed"),
        tone: Tone::Alert,
        value: |d| d.mails_failed,
    },
];

fn values(stats: &Stats, series: &Series) -> Vec<u64> {
    stats.days.iter().map(series.value).collect()
}

#[function_component(Overview)]
fn overview() -> Html {
    let lang = use_lang();
    let loaded = use_load(
        StatsQuery {
            days: Some(DEFAULT_STATS_DAYS),
        },
        api::admin_stats,
    );
    let body = match (&loaded.data, &loaded.problem) {
        (_, Some(problem)) => refusal(lang, problem),
        (None, None) => html! { <p class="hint" role="status">{ lang.t("stats-loading") }</p> },
        (Some(stats), None) => numbers(lang, stats),
    };
    html! {
        <AdminFrame title={lang.t("admin-title")}>
            <p class="lead">{ lang.tf("stats-lead", &[("days", DEFAULT_STATS_DAYS.into())]) }</p>
            { body }
        </AdminFrame>
    }
}

fn numbers(lang: Language, stats: &Stats) -> Html {
    let dates: Vec<_> = stats.days.iter().map(|d| d.date).collect();
    let totals = SERIES.iter().map(|series| {
        let (total, _) = summary(&values(stats, series));
        html! {
            <div class="stat-total">
                <dt>{ lang.t(series.name) }</dt>
                <dd data-series={series.key} data-total={total.to_string()}>{ total }</dd>
            </div>
        }
    });
    let charts = SERIES.iter().map(|series| {
        html! {
            <BarChart series={series.key} name={lang.t(series.name)} unit={series.unit}
                      dates={dates.clone()} values={values(stats, series)} tone={series.tone} />
        }
    });
    html! {
        <>
            <h2 class="visually-hidden">{ lang.t("stats-totals") }</h2>
            <dl class="stat-totals" id="admin-totals" data-testid="admin-totals">{ for totals }</dl>
            <h2 class="visually-hidden">{ lang.t("stats-per-day") }</h2>
            <div class="charts" id="admin-charts">{ for charts }</div>
            <details class="stats-table">
                <summary>{ lang.t("stats-table") }</summary>
                <div class="table-scroll">
                    <table class="data-table admin-stats">
                        <thead>
                            <tr>
                                <th scope="col">{ lang.t("stats-day") }</th>
                                { for SERIES.iter().map(|s| html! { <th scope="col">{ lang.t(s.name) }</th> }) }
                            </tr>
                        </thead>
                        <tbody>
                            { for stats.days.iter().rev().map(|day| html! {
                                <tr data-date={day.date.to_string()}>
                                    <th scope="row" data-label={lang.t("stats-day")}>{ day.date.format("%-d %b %Y").to_string() }</th>
                                    { for SERIES.iter().map(|s| html! {
                                        <td data-label={lang.t(s.name)} class="cell-number">{ (s.value)(day) }</td>
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
