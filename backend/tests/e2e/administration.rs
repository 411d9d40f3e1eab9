//! The admin pages in the browser: an admin made with the real `otp-portal promote` and signed in with
//! both factors on a phone reads the last 30 days as charts, finds an account by part of its address,
//! reads its story and disables it; the pages turn away everyone else and explain why; at 360 px none of
//! them scrolls sideways.

use chrono::{NaiveDate, Utc};
use fantoccini::key::Key;
use fantoccini::Locator;
use reqwest::Method;
use serde_json::json;

use crate::admin_helpers::{app_code, make_admin, no_content, promote};
use crate::authenticator::{
    sign_in_to_second_step, sign_out, start_setup, turn_on, type_at_caret, Authenticator,
};
use crate::browser::{run, Page, DESKTOP, PHONE};
use crate::helpers::{expect_problem, PASSWORD};

/// The days the overview shows, today included.
const DAYS: usize = 30;

/// Every series the overview draws.
const SERIES: [&str; 5] = [
    "registrations",
    "verifications",
    "logins",
    "failed_logins",
    "mails_failed",
];

// ---------------------------------------------------------------------------------------------------------
// Looking at the admin pages
// ---------------------------------------------------------------------------------------------------------

/// How many elements match `css` right now.
async fn count_css(page: &Page, css: &str) -> usize {
    page.client
        .find_all(Locator::Css(css))
        .await
        .map(|found| found.len())
        .unwrap_or(0)
}

/// The text of the element `css` matches, once there is one.
async fn text_of(page: &Page, css: &str) -> String {
    let element = page
        .wait_for(&format!("{css} to appear"), || async {
            page.client.find(Locator::Css(css)).await.ok()
        })
        .await;
    element
        .text()
        .await
        .unwrap_or_else(|e| panic!("reading the text of {css}: {e}"))
}

/// Clicks the element `css` matches, once there is one.
async fn click_css(page: &Page, css: &str) {
    let element = page
        .wait_for(&format!("{css} to appear"), || async {
            page.client.find(Locator::Css(css)).await.ok()
        })
        .await;
    element
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
}

/// Waits until `css` matches something.
async fn wait_for_css(page: &Page, css: &str) {
    page.wait_for(&format!("{css} to appear"), || async {
        (count_css(page, css).await > 0).then_some(())
    })
    .await;
}

/// One chart as drawn: its series and its bars, `(date, value)` oldest first.
struct Chart {
    series: String,
    bars: Vec<(NaiveDate, u64)>,
}

/// The overview's charts, once all of them are drawn with their bars.
async fn charts(page: &Page) -> Vec<Chart> {
    let drawn = page
        .wait_for("the overview's charts to be drawn", || async {
            let drawn = page
                .eval(
                    r#"return Array.from(document.querySelectorAll('svg.chart[data-series]'), svg => [
                           svg.dataset.series,
                           Array.from(svg.querySelectorAll('rect[data-date]'),
                                      r => [r.dataset.date, r.dataset.value])
                       ])"#,
                    vec![],
                )
                .await;
            let complete = drawn.as_array().is_some_and(|charts| {
                charts.len() == SERIES.len()
                    && charts
                        .iter()
                        .all(|c| c[1].as_array().is_some_and(|bars| !bars.is_empty()))
            });
            complete.then_some(drawn)
        })
        .await;
    drawn
        .as_array()
        .unwrap()
        .iter()
        .map(|chart| Chart {
            series: chart[0].as_str().unwrap().to_owned(),
            bars: chart[1]
                .as_array()
                .unwrap()
                .iter()
                .map(|bar| {
                    let date = bar[0].as_str().unwrap();
                    let value = bar[1].as_str().unwrap();
                    (
                        date.parse()
                            .unwrap_or_else(|e| panic!("a bar's data-date {date:?}: {e}")),
                        value
                            .parse()
                            .unwrap_or_else(|e| panic!("a bar's data-value {value:?}: {e}")),
                    )
                })
                .collect(),
        })
        .collect()
}

/// The overview's totals: `(series, data-total)`.
async fn totals(page: &Page) -> Vec<(String, u64)> {
    let totals = page
        .eval(
            r#"return Array.from(document.querySelectorAll('#admin-totals dd[data-series][data-total]'),
                                 dd => [dd.dataset.series, dd.dataset.total])"#,
            vec![],
        )
        .await;
    totals
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t[0].as_str().unwrap().to_owned(),
                t[1].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect()
}

/// Checks the overview against what happened: every series drawn with one bar a day for the last 30
/// days, the last one today, each series' bars adding up to `expected` and (unless the day changed
/// while the test ran, `started` being the day it began) today's bar holding it all.
async fn expect_overview(page: &Page, started: NaiveDate, expected: &[(&str, u64)]) {
    let charts = charts(page).await;
    let today = Utc::now().date_naive();
    let drawn: Vec<&str> = charts.iter().map(|c| c.series.as_str()).collect();
    assert_eq!(drawn, SERIES, "the overview draws other series");
    for chart in &charts {
        let series = &chart.series;
        assert_eq!(
            chart.bars.len(),
            DAYS,
            "the {series} chart has {} bars, not one a day for {DAYS} days",
            chart.bars.len()
        );
        assert!(
            chart
                .bars
                .windows(2)
                .all(|w| w[0].0.succ_opt() == Some(w[1].0)),
            "the {series} chart's bars are not one a day, oldest first: {:?}",
            chart.bars
        );
        let (last_day, today_value) = *chart.bars.last().unwrap();
        assert!(
            last_day == started || last_day == today,
            "the {series} chart ends on {last_day}, not today ({today})"
        );
        let wanted = expected
            .iter()
            .find(|(name, _)| name == series)
            .map(|(_, n)| *n)
            .unwrap_or_else(|| panic!("no expected number for {series}"));
        let sum: u64 = chart.bars.iter().map(|(_, value)| value).sum();
        assert_eq!(
            sum, wanted,
            "the {series} chart's bars add up to {sum}, but {wanted} happened: {:?}",
            chart.bars
        );
        if started == today {
            assert_eq!(
                today_value, wanted,
                "today's {series} bar reads {today_value}, but {wanted} happened today"
            );
        }
    }
    let totals = totals(page).await;
    let wanted: Vec<(String, u64)> = expected
        .iter()
        .map(|(name, n)| ((*name).to_owned(), *n))
        .collect();
    assert_eq!(totals, wanted, "the totals above the charts");
}

/// Waits until the user table's rows are exactly the accounts `expected` names by id (in any order).
async fn wait_for_user_rows(page: &Page, expected: &[&str]) {
    let mut expected: Vec<String> = expected.iter().map(|id| (*id).to_owned()).collect();
    expected.sort();
    let what = format!("the user table to list exactly {expected:?}");
    page.wait_for(&what, || async {
        let rows = page
            .eval(
                r#"return Array.from(document.querySelectorAll('table.admin-users tr[data-user-id]'),
                                     tr => tr.dataset.userId)"#,
                vec![],
            )
            .await;
        let mut rows: Vec<String> = serde_json::from_value(rows).ok()?;
        rows.sort();
        (rows == expected).then_some(())
    })
    .await;
}

/// The address bar's query, as pairs.
async fn query(page: &Page) -> Vec<(String, String)> {
    let url = page
        .client
        .current_url()
        .await
        .expect("reading the address");
    url.query_pairs().into_owned().collect()
}

/// The `data-kind`s of the user page's timeline.
async fn timeline_kinds(page: &Page) -> Vec<String> {
    let kinds = page
        .eval(
            r#"return Array.from(document.querySelectorAll('.timeline li[data-kind]'), li => li.dataset.kind)"#,
            vec![],
        )
        .await;
    serde_json::from_value(kinds).unwrap()
}

/// The state the user page's badge shows: `(data-state, text)`.
async fn state_badge(page: &Page) -> Option<(String, String)> {
    let badge = page
        .client
        .find(Locator::Css("#admin-user-state .state-badge"))
        .await
        .ok()?;
    let state = badge.attr("data-state").await.ok()??;
    let text = badge.text().await.ok()?;
    Some((state, text))
}

async fn wait_for_state_badge(page: &Page, state: &str, words: &str) {
    page.wait_for(
        &format!("the state badge to say {words} ({state})"),
        || async {
            let (shown, text) = state_badge(page).await?;
            (shown == state && text.trim() == words).then_some(())
        },
    )
    .await;
}

/// Checks the open page at 360 px: no sideways scrolling, no policy violation or uncaught error.
async fn check_on_a_phone(page: &Page, what: &str) {
    page.set_viewport(PHONE).await;
    page.assert_no_horizontal_scroll(what).await;
    page.assert_no_page_errors().await;
}

// ---------------------------------------------------------------------------------------------------------
// Making admins
// ---------------------------------------------------------------------------------------------------------

/// On the dashboard of an account with the app off: sets the app up on the security page, as a person
/// does, back to the dashboard; returns the app.
async fn turn_on_the_app(page: &Page) -> Authenticator {
    page.click("security-link").await;
    page.wait_for_path("/security").await;
    let mut app = start_setup(page).await;
    turn_on(page, &mut app).await;
    page.click("recovery-codes-done").await;
    page.wait_for_absence("recovery-codes-panel").await;
    app
}

/// Signs in with the password and the app's `code`, by keyboard; waits for the dashboard.
async fn sign_in_with_both_factors(page: &Page, login: &str, code: &str) {
    sign_in_to_second_step(page, login, PASSWORD).await;
    type_at_caret(page, code).await;
    page.press(Key::Enter).await;
    page.wait_for_path("/dashboard").await;
}

// ---------------------------------------------------------------------------------------------------------
// The journeys
// ---------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_admin_with_both_factors_on_a_phone_reads_the_charts_finds_an_account_and_disables_it() {
    run(
        |_| {},
        |page: Page| async move {
            let started = Utc::now().date_naive();
            // Ada signs up and in through the API, and mistypes her password once; Bob never confirms.
            let ada_email = "ada.lovelace@example.com";
            page.app
                .register_and_verify("ada", ada_email, PASSWORD)
                .await;
            let ada = page.app.login_ok("ada", PASSWORD).await;
            let ada_id = ada.user.id.to_string();
            let wrong = page
                .app
                .login(&json!({"login": "ada", "password": "not the password"}))
                .await;
            expect_problem(wrong, 401, "invalid_credentials").await;
            page.app.register("bob", "bob@example.com", PASSWORD).await;

            // Grace signs up in the browser, an operator promotes her with the binary, and she turns
            // the app on.
            let grace_email = "grace.hopper@example.com";
            page.register_and_verify("grace", grace_email, PASSWORD)
                .await;
            promote(&page.app, "grace").await;
            let mut app = turn_on_the_app(&page).await;
            page.click("security-back").await;
            page.wait_for_path("/dashboard").await;
            sign_out(&page).await;

            // On a phone, with both factors.
            page.set_viewport(PHONE).await;
            let code = app.next_code().await;
            sign_in_with_both_factors(&page, "grace", &code).await;
            page.expect_dashboard("grace", grace_email).await;
            page.click("nav-admin").await;
            page.wait_for_path("/admin").await;
            expect_overview(
                &page,
                started,
                &[
                    ("registrations", 3),
                    ("verifications", 2),
                    ("logins", 2),
                    ("failed_logins", 1),
                    ("mails_failed", 0),
                ],
            )
            .await;
            page.assert_no_horizontal_scroll("the admin overview on a phone")
                .await;

            // Ada, by part of her address (which her username does not hold).
            page.click("admin-nav-users").await;
            page.wait_for_path("/admin/users").await;
            wait_for_css(&page, "table.admin-users tr[data-user-id]").await;
            page.fill("admin-user-search", "LoveLace").await;
            page.click("admin-user-search-submit").await;
            page.wait_for("the search to reach the address bar", || async {
                query(&page)
                    .await
                    .contains(&("q".to_owned(), "LoveLace".to_owned()))
                    .then_some(())
            })
            .await;
            wait_for_user_rows(&page, &[&ada_id]).await;
            page.assert_no_horizontal_scroll("the user table on a phone")
                .await;
            click_css(
                &page,
                &format!(r#"table.admin-users tr[data-user-id="{ada_id}"] td:first-child a"#),
            )
            .await;

            // Her page: active, her story, the verification mail sent.
            page.wait_for_path(&format!("/admin/users/{ada_id}")).await;
            wait_for_state_badge(&page, "active", "Active").await;
            assert_eq!(text_of(&page, "#admin-user-username").await, "ada");
            assert_eq!(text_of(&page, "#admin-user-email").await, ada_email);
            let kinds = timeline_kinds(&page).await;
            for kind in ["registered", "email_verified", "login_succeeded"] {
                assert!(
                    kinds.iter().any(|k| k == kind),
                    "the timeline has no {kind}: {kinds:?}"
                );
            }
            assert!(
                kinds.iter().any(|k| k == "login_failed"),
                "the timeline misses the mistyped password: {kinds:?}"
            );
            wait_for_css(
                &page,
                r#".mail-list li[data-kind="verify_email"][data-status="sent"]"#,
            )
            .await;
            page.assert_no_horizontal_scroll("a user's page on a phone")
                .await;

            // Disabled: the badge says so, and Enable takes Disable's place.
            page.click("admin-disable").await;
            page.wait_for_text("notice-banner", "say ada is disabled", |t| {
                t.contains("ada is disabled")
            })
            .await;
            wait_for_state_badge(&page, "disabled", "Disabled").await;
            page.find("admin-enable").await;
            assert!(!page.exists("admin-disable").await);
            page.wait_for("the timeline to record the admin's action", || async {
                let kinds = timeline_kinds(&page).await;
                kinds
                    .iter()
                    .any(|k| k == "admin_disabled_user")
                    .then_some(())
            })
            .await;
            page.assert_no_horizontal_scroll("a disabled user's page on a phone")
                .await;

            // Her token from before opens nothing, and her password no longer signs her in.
            expect_problem(page.app.me(&ada.access_token).await, 401, "unauthorized").await;
            let login = page
                .app
                .login(&json!({"login": "ada", "password": PASSWORD}))
                .await;
            expect_problem(login, 403, "account_disabled").await;
        },
    )
    .await;
}

#[tokio::test]
async fn the_admin_pages_turn_away_an_account_that_is_no_admin_and_an_admin_without_the_app() {
    run(
        |_| {},
        |page: Page| async move {
            page.register_and_verify("linus", "linus@example.com", PASSWORD)
                .await;
            assert!(
                !page.exists("nav-admin").await,
                "an account that is no admin sees the Admin link"
            );

            // Not an admin: each admin page says so, and shows nothing of the administration.
            for path in ["/admin", "/admin/users"] {
                page.goto(path).await;
                page.find("admin-forbidden").await;
                assert!(!page.exists("admin-mfa-required").await);
                assert_eq!(count_css(&page, "svg.chart").await, 0, "{path}");
                assert_eq!(count_css(&page, "table.admin-users").await, 0, "{path}");
            }

            // Promoted, the reloaded page knows the role, but the server wants the second factor first,
            // and the page says where to turn it on.
            promote(&page.app, "linus").await;
            page.reload().await;
            page.find("admin-mfa-required").await;
            assert!(!page.exists("admin-forbidden").await);
            assert_eq!(count_css(&page, "table.admin-users").await, 0);
            page.click("nav-admin").await;
            page.wait_for_path("/admin").await;
            page.find("admin-mfa-required").await;
            assert_eq!(count_css(&page, "svg.chart").await, 0);
            page.click("admin-mfa-link").await;
            page.wait_for_path("/security").await;

            // With the app on, the same admin reads the overview.
            let mut app = start_setup(&page).await;
            turn_on(&page, &mut app).await;
            page.click("recovery-codes-done").await;
            page.click("nav-admin").await;
            page.wait_for_path("/admin").await;
            charts(&page).await;
            assert!(!page.exists("admin-mfa-required").await);
        },
    )
    .await;
}

#[tokio::test]
async fn the_admin_pages_layout_fits_a_phone_and_each_is_photographed() {
    run(
        |_| {},
        |page: Page| async move {
            // An admin (made through the API and the binary) and a few accounts to show.
            let boss = make_admin(&page.app, "boss").await;
            let alice = page
                .app
                .register_and_verify("alice", "alice.wonderland@example.com", PASSWORD)
                .await;
            page.app.login_ok("alice", PASSWORD).await;
            for _ in 0..2 {
                let wrong = page
                    .app
                    .login(&json!({"login": "alice", "password": "not the password"}))
                    .await;
                expect_problem(wrong, 401, "invalid_credentials").await;
            }
            page.app.register("bob", "bob@example.com", PASSWORD).await;
            let carol = page
                .app
                .register_and_verify("carol", "carol@example.com", PASSWORD)
                .await;
            no_content(
                &page.app,
                &boss.token,
                Method::POST,
                &format!("/api/admin/users/{}/disable", carol.user.id),
            )
            .await;

            // The app's code of the current step: the set-up spent the step before.
            sign_in_with_both_factors(&page, "boss", &app_code(&boss.factor.secret, 0)).await;
            page.click("nav-admin").await;
            page.wait_for_path("/admin").await;
            charts(&page).await;
            page.check_and_photograph("admin-overview").await;

            page.click("admin-nav-users").await;
            page.wait_for_path("/admin/users").await;
            let active = [boss.id.clone(), alice.user.id.to_string()];
            wait_for_css(&page, "table.admin-users tr[data-state=pending]").await;
            wait_for_css(&page, "table.admin-users tr[data-state=disabled]").await;
            for id in &active {
                wait_for_css(
                    &page,
                    &format!(r#"table.admin-users tr[data-user-id="{id}"]"#),
                )
                .await;
            }
            page.check_and_photograph("admin-users").await;

            let alice_id = alice.user.id.to_string();
            click_css(
                &page,
                &format!(r#"table.admin-users tr[data-user-id="{alice_id}"] td:first-child a"#),
            )
            .await;
            page.wait_for_path(&format!("/admin/users/{alice_id}"))
                .await;
            wait_for_state_badge(&page, "active", "Active").await;
            wait_for_css(&page, ".timeline li[data-kind]").await;
            wait_for_css(&page, ".mail-list li[data-kind]").await;
            page.check_and_photograph("admin-user").await;

            for (link, path, rows) in [
                (
                    "admin-nav-mail",
                    "/admin/mail",
                    "table.admin-mail tr[data-mail-id]",
                ),
                (
                    "admin-nav-codes",
                    "/admin/codes",
                    "table.admin-codes tr[data-event]",
                ),
                (
                    "admin-nav-audit",
                    "/admin/audit",
                    "table.admin-audit tr[data-kind]",
                ),
            ] {
                page.set_viewport(DESKTOP).await;
                page.click(link).await;
                page.wait_for_path(path).await;
                wait_for_css(&page, rows).await;
                check_on_a_phone(&page, &format!("the {path} page")).await;
            }
        },
    )
    .await;
}
