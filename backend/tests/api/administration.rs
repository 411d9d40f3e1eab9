//! Administration through the real server and the real binary: who may call `/api/admin/`, making admins
//! on the command line, the user table, disabling, signing out and deleting accounts, the audit of every
//! admin action, one user's story, the code and mail logs (never a code), and the daily numbers.

use std::collections::HashMap;

use chrono::{Duration as ChronoDuration, NaiveDate, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::admin_helpers::{
    app_code, call, get_ok, leaks, login_from_browser, make_admin, no_content, not_an_app_code,
    portal_cli, promote, text, turn_on_factor, Admin, BROWSER,
};
use crate::helpers::{
    expect_json, expect_problem, field_errors, poll_until, spawn_app, spawn_app_with, timestamp,
    tokens, wait_until_past, wrong_code, TestApp, MAIL_DEADLINE, PASSWORD, PASSWORD_RESET,
    VERIFY_EMAIL,
};

const ACCOUNT_DISABLED: &str = "account_disabled";
const ACCOUNT_DELETED: &str = "account_deleted";
const NEW_PASSWORD: &str = "an entirely different passphrase";

/// Every `/api/admin/` operation, acting on the account `target`; the delete comes last.
fn admin_endpoints(target: &str) -> Vec<(Method, String)> {
    let user = format!("/api/admin/users/{target}");
    vec![
        (Method::GET, "/api/admin/users".to_owned()),
        (Method::GET, user.clone()),
        (Method::POST, format!("{user}/disable")),
        (Method::POST, format!("{user}/enable")),
        (Method::POST, format!("{user}/sessions/revoke")),
        (Method::GET, "/api/admin/mail".to_owned()),
        (Method::GET, "/api/admin/codes".to_owned()),
        (Method::GET, "/api/admin/audit".to_owned()),
        (Method::GET, "/api/admin/stats".to_owned()),
        (Method::DELETE, user),
    ]
}

/// The `items` of a list answer.
fn items(page: &Value) -> &Vec<Value> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("not a list answer: {page}"))
}

/// The usernames of a user-table answer, in its order.
fn usernames(page: &Value) -> Vec<&str> {
    items(page)
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect()
}

/// The id of the one line of the user table that `q` finds.
async fn user_id(app: &TestApp, admin: &Admin, q: &str) -> String {
    let page = get_ok(app, &admin.token, &format!("/api/admin/users?q={q}")).await;
    assert_eq!(page["total"], 1, "q={q} should find one line: {page}");
    items(&page)[0]["id"].as_str().unwrap().to_owned()
}

/// The audit entries of a list answer as `(kind, user_id, actor_id)`.
fn audit_lines(page: &Value) -> Vec<(String, Option<String>, Option<String>)> {
    items(page)
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["user_id"].as_str().map(str::to_owned),
                e["actor_id"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

/// The code-log entries of a list, oldest first, as `(event, purpose)`.
fn code_story(entries: &[Value]) -> Vec<(String, String)> {
    entries
        .iter()
        .rev()
        .map(|e| {
            (
                e["event"].as_str().unwrap().to_owned(),
                e["purpose"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

// ---------------------------------------------------------------------------------------------------------
// Who may administer, and the command line that decides it
// ---------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn every_admin_call_needs_an_admin_whose_second_factor_is_on() {
    let app = spawn_app().await;
    let victim = app
        .register_and_verify("victim", "victim@example.com", PASSWORD)
        .await;
    let user = app
        .register_and_verify("mallory", "mallory@example.com", PASSWORD)
        .await;
    let boss = app
        .register_and_verify("boss", "boss@example.com", PASSWORD)
        .await;
    let endpoints = admin_endpoints(&victim.user.id.to_string());

    for (method, path) in &endpoints {
        let anonymous = call(&app, method.clone(), path, None, None).await;
        expect_problem(anonymous, 401, "unauthorized").await;
        let forged = call(&app, method.clone(), path, Some("not.a.token"), None).await;
        assert_eq!(forged.status(), 401, "{method} {path} with a made-up token");
        let as_user = call(&app, method.clone(), path, Some(&user.access_token), None).await;
        expect_problem(as_user, 403, "forbidden").await;
    }

    promote(&app, "boss").await;
    for (method, path) in &endpoints {
        let without_factor = call(&app, method.clone(), path, Some(&boss.access_token), None).await;
        expect_problem(without_factor, 403, "mfa_required").await;
    }
    // Nothing refused had an effect: the target is still signed in, enabled and there.
    assert_eq!(app.me(&victim.access_token).await.status(), 200);
    app.login_ok("victim", PASSWORD).await;

    turn_on_factor(&app, &boss.access_token).await;
    for (method, path) in &endpoints {
        let response = call(&app, method.clone(), path, Some(&boss.access_token), None).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        let expected = if *method == Method::GET {
            StatusCode::OK
        } else {
            StatusCode::NO_CONTENT
        };
        assert_eq!(status, expected, "{method} {path} as an admin: {body}");
    }
    // The last call deleted the target.
    expect_problem(app.me(&victim.access_token).await, 401, "unauthorized").await;
    // A plain user is still refused after an admin has acted.
    let as_user = call(
        &app,
        Method::GET,
        "/api/admin/users",
        Some(&user.access_token),
        None,
    )
    .await;
    expect_problem(as_user, 403, "forbidden").await;
}

#[tokio::test]
async fn the_command_line_promotes_and_demotes_a_verified_account_by_username_or_address() {
    let app = spawn_app().await;
    let boss = app
        .register_and_verify("boss", "Boss@Example.com", PASSWORD)
        .await;
    let me = get_ok(&app, &boss.access_token, "/api/me").await;
    assert_eq!(me["role"], "user", "{me}");

    // By address, in another case than it was registered with.
    let promoted = portal_cli(&app, &["promote", "BOSS@example.COM"]).await;
    assert!(
        promoted.status.success(),
        "promote exited with {}: {}",
        promoted.status,
        text(&promoted.stderr)
    );
    let me = get_ok(&app, &boss.access_token, "/api/me").await;
    assert_eq!(me["role"], "admin", "{me}");
    turn_on_factor(&app, &boss.access_token).await;
    get_ok(&app, &boss.access_token, "/api/admin/users").await;

    // An unknown login, and a registration not verified yet, are no account to promote.
    app.register("pending", "pending@example.com", PASSWORD)
        .await;
    for login in [
        "nobody",
        "nobody@example.com",
        "pending",
        "pending@example.com",
    ] {
        let refused = portal_cli(&app, &["promote", login]).await;
        assert!(
            !refused.status.success(),
            "promote {login} succeeded: {}",
            text(&refused.stderr)
        );
        assert!(
            !text(&refused.stderr).trim().is_empty(),
            "promote {login} failed without a message"
        );
    }
    let table = get_ok(&app, &boss.access_token, "/api/admin/users?per_page=100").await;
    let admins: Vec<&str> = items(&table)
        .iter()
        .filter(|u| u["role"] == "admin")
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(admins, ["boss"], "{table}");

    let demoted = portal_cli(&app, &["demote", "boss"]).await;
    assert!(
        demoted.status.success(),
        "demote exited with {}: {}",
        demoted.status,
        text(&demoted.stderr)
    );
    // The running server applies it to the very next call of the same session.
    let refused = call(
        &app,
        Method::GET,
        "/api/admin/users",
        Some(&boss.access_token),
        None,
    )
    .await;
    expect_problem(refused, 403, "forbidden").await;
    let me = get_ok(&app, &boss.access_token, "/api/me").await;
    assert_eq!(me["role"], "user", "{me}");

    let unknown = portal_cli(&app, &["demote", "nobody"]).await;
    assert!(!unknown.status.success(), "demote nobody succeeded");
    assert!(!text(&unknown.stderr).trim().is_empty());
}

#[tokio::test]
async fn the_command_line_explains_itself_and_refuses_what_it_does_not_know() {
    let app = spawn_app().await;

    let help = portal_cli(&app, &["--help"]).await;
    assert!(help.status.success(), "--help exited with {}", help.status);
    let usage = text(&help.stdout);
    for word in ["Usage", "promote", "demote"] {
        assert!(
            usage.contains(word),
            "{word:?} missing from --help:\n{usage}"
        );
    }

    let help = portal_cli(&app, &["promote", "--help"]).await;
    assert!(
        help.status.success(),
        "promote --help exited with {}",
        help.status
    );
    let usage = text(&help.stdout);
    for word in ["Usage", "LOGIN"] {
        assert!(
            usage.contains(word),
            "{word:?} missing from promote --help:\n{usage}"
        );
    }

    let unknown = portal_cli(&app, &["frobnicate"]).await;
    assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown.stderr));
    assert!(
        text(&unknown.stderr).contains("frobnicate"),
        "the usage error does not name the subcommand: {}",
        text(&unknown.stderr)
    );
    let missing_login = portal_cli(&app, &["promote"]).await;
    assert_eq!(
        missing_login.status.code(),
        Some(2),
        "{}",
        text(&missing_login.stderr)
    );
}

// ---------------------------------------------------------------------------------------------------------
// The user table
// ---------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_user_table_is_searched_in_any_case_filtered_by_state_and_paged() {
    let app = spawn_app().await;
    let boss = make_admin(&app, "boss").await;
    app.register_and_verify("alice", "alice@wonderland.example.org", PASSWORD)
        .await;
    app.register_and_verify("bob", "bob@builders.example.org", PASSWORD)
        .await;
    app.register_and_verify("Carol", "Carol@WonderLand.example.org", PASSWORD)
        .await;
    app.register("dave", "dave@example.com", PASSWORD).await;
    app.register_and_verify("erin", "erin@example.com", PASSWORD)
        .await;

    let all = get_ok(&app, &boss.token, "/api/admin/users").await;
    assert_eq!(all["total"], 6, "{all}");
    assert_eq!(
        usernames(&all),
        ["erin", "dave", "Carol", "bob", "alice", "boss"],
        "newest first: {all}"
    );
    let dave = items(&all)
        .iter()
        .find(|u| u["username"] == "dave")
        .unwrap();
    assert_eq!(dave["state"], "pending", "{dave}");
    assert_eq!(dave["email_verified"], false, "{dave}");
    assert_eq!(dave["active_sessions"], 0, "{dave}");
    assert_eq!(dave["last_login_at"], Value::Null, "{dave}");
    let alice = items(&all)
        .iter()
        .find(|u| u["username"] == "alice")
        .unwrap();
    assert_eq!(alice["state"], "active", "{alice}");
    assert_eq!(alice["email_verified"], true, "{alice}");
    assert_eq!(alice["active_sessions"], 1, "{alice}");
    assert!(alice["last_login_at"].is_string(), "{alice}");

    // Part of a username or of an address, in any case.
    let by_name = get_ok(&app, &boss.token, "/api/admin/users?q=LIC").await;
    assert_eq!(usernames(&by_name), ["alice"], "{by_name}");
    let by_address = get_ok(&app, &boss.token, "/api/admin/users?q=wONDERland").await;
    assert_eq!(usernames(&by_address), ["Carol", "alice"], "{by_address}");
    assert_eq!(by_address["total"], 2);
    let pending_by_name = get_ok(&app, &boss.token, "/api/admin/users?q=DAV").await;
    assert_eq!(usernames(&pending_by_name), ["dave"], "{pending_by_name}");
    let nobody = get_ok(&app, &boss.token, "/api/admin/users?q=zz-nobody").await;
    assert_eq!(nobody["total"], 0, "{nobody}");
    assert!(items(&nobody).is_empty());

    // A pending registration's id opens its page.
    let dave_id = dave["id"].as_str().unwrap();
    let page = get_ok(&app, &boss.token, &format!("/api/admin/users/{dave_id}")).await;
    assert_eq!(page["user"]["username"], "dave", "{page}");
    assert_eq!(page["user"]["state"], "pending", "{page}");
    assert_eq!(page["sessions"], json!([]), "{page}");

    // By state, alone and with a search.
    let pending = get_ok(&app, &boss.token, "/api/admin/users?state=pending").await;
    assert_eq!(usernames(&pending), ["dave"], "{pending}");
    let erin_id = user_id(&app, &boss, "erin").await;
    no_content(
        &app,
        &boss.token,
        Method::POST,
        &format!("/api/admin/users/{erin_id}/disable"),
    )
    .await;
    let disabled = get_ok(&app, &boss.token, "/api/admin/users?state=disabled").await;
    assert_eq!(usernames(&disabled), ["erin"], "{disabled}");
    assert!(items(&disabled)[0]["disabled_at"].is_string(), "{disabled}");
    let active = get_ok(&app, &boss.token, "/api/admin/users?state=active").await;
    assert_eq!(
        usernames(&active),
        ["Carol", "bob", "alice", "boss"],
        "{active}"
    );
    let searched = get_ok(
        &app,
        &boss.token,
        "/api/admin/users?q=EXAMPLE.COM&state=active",
    )
    .await;
    assert_eq!(usernames(&searched), ["boss"], "{searched}");

    // Pages of four.
    let mut seen = Vec::new();
    for (page, expected) in [(1, 4), (2, 2), (3, 0)] {
        let answer = get_ok(
            &app,
            &boss.token,
            &format!("/api/admin/users?page={page}&per_page=4"),
        )
        .await;
        assert_eq!(answer["total"], 6, "{answer}");
        assert_eq!(answer["page"], page, "{answer}");
        assert_eq!(answer["per_page"], 4, "{answer}");
        assert_eq!(items(&answer).len(), expected, "page {page}: {answer}");
        seen.extend(
            items(&answer)
                .iter()
                .map(|u| u["id"].as_str().unwrap().to_owned()),
        );
    }
    let mut distinct = seen.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        6,
        "the pages overlap or miss a line: {seen:?}"
    );

    // Bad queries are refused by name.
    for (query, field) in [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("page=0", "page"),
    ] {
        let response = call(
            &app,
            Method::GET,
            &format!("/api/admin/users?{query}"),
            Some(&boss.token),
            None,
        )
        .await;
        let (problem, _) = expect_problem(response, 422, "validation_failed").await;
        field_errors(&problem, field);
    }
    for query in ["role=admin", "state=sleeping", "page=first"] {
        let response = call(
            &app,
            Method::GET,
            &format!("/api/admin/users?{query}"),
            Some(&boss.token),
            None,
        )
        .await;
        expect_problem(response, 422, "validation_failed").await;
    }
}

// ---------------------------------------------------------------------------------------------------------
// Acting on an account
// ---------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_disabled_account_is_signed_out_at_once_and_refused_at_sign_in_until_enabled() {
    let app = spawn_app().await;
    let boss = make_admin(&app, "boss").await;
    let first = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let second = app.login_ok("alice", PASSWORD).await;
    let alice = first.user.id.to_string();

    no_content(
        &app,
        &boss.token,
        Method::POST,
        &format!("/api/admin/users/{alice}/disable"),
    )
    .await;

    for session in [&first, &second] {
        expect_problem(app.me(&session.access_token).await, 401, "unauthorized").await;
        let refresh = app
            .refresh(Some(&json!({"refresh_token": session.refresh_token})))
            .await;
        expect_problem(refresh, 401, "invalid_token").await;
    }
    let right = app
        .login(&json!({"login": "alice", "password": PASSWORD}))
        .await;
    expect_problem(right, 403, "account_disabled").await;
    let wrong = app
        .login(&json!({"login": "alice", "password": "not the password"}))
        .await;
    expect_problem(wrong, 401, "invalid_credentials").await;
    let notice = app
        .smtp
        .wait_for_mail("alice@example.com", ACCOUNT_DISABLED)
        .await;
    assert!(notice.is_to("alice@example.com"));
    let row = get_ok(&app, &boss.token, &format!("/api/admin/users/{alice}")).await;
    assert_eq!(row["user"]["state"], "disabled", "{row}");
    assert_eq!(row["user"]["active_sessions"], 0, "{row}");
    assert_eq!(row["sessions"], json!([]), "{row}");

    no_content(
        &app,
        &boss.token,
        Method::POST,
        &format!("/api/admin/users/{alice}/enable"),
    )
    .await;
    let again = app.login_ok("alice", PASSWORD).await;
    assert_eq!(app.me(&again.access_token).await.status(), 200);
    // The owner hears of the way back in too.
    app.smtp
        .wait_for_nth_mail("alice@example.com", ACCOUNT_DISABLED, 2)
        .await;
    let row = get_ok(&app, &boss.token, &format!("/api/admin/users/{alice}")).await;
    assert_eq!(row["user"]["state"], "active", "{row}");
    assert_eq!(row["user"]["disabled_at"], Value::Null, "{row}");

    // Not the admin's own account, not a pending registration, not an unknown id.
    let own = call(
        &app,
        Method::POST,
        &format!("/api/admin/users/{}/disable", boss.id),
        Some(&boss.token),
        None,
    )
    .await;
    expect_problem(own, 422, "validation_failed").await;
    app.register("dave", "dave@example.com", PASSWORD).await;
    let dave = user_id(&app, &boss, "dave").await;
    let pending = call(
        &app,
        Method::POST,
        &format!("/api/admin/users/{dave}/disable"),
        Some(&boss.token),
        None,
    )
    .await;
    expect_problem(pending, 422, "validation_failed").await;
    for unknown in [uuid::Uuid::new_v4().to_string(), "nobody".to_owned()] {
        for action in ["disable", "enable", "sessions/revoke"] {
            let response = call(
                &app,
                Method::POST,
                &format!("/api/admin/users/{unknown}/{action}"),
                Some(&boss.token),
                None,
            )
            .await;
            expect_problem(response, 404, "not_found").await;
        }
    }
    // The admin is still signed in and able.
    get_ok(&app, &boss.token, "/api/admin/users").await;
}

#[tokio::test]
async fn revoking_the_sessions_of_an_account_ends_each_of_them_at_once() {
    let app = spawn_app().await;
    let boss = make_admin(&app, "boss").await;
    let first = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let second = app.login_ok("alice", PASSWORD).await;
    let bob = app
        .register_and_verify("bob", "bob@example.com", PASSWORD)
        .await;
    let alice = first.user.id.to_string();

    no_content(
        &app,
        &boss.token,
        Method::POST,
        &format!("/api/admin/users/{alice}/sessions/revoke"),
    )
    .await;

    for session in [&first, &second] {
        expect_problem(app.me(&session.access_token).await, 401, "unauthorized").await;
        let refresh = app
            .refresh(Some(&json!({"refresh_token": session.refresh_token})))
            .await;
        expect_problem(refresh, 401, "invalid_token").await;
    }
    // Only alice's: bob and the admin are still signed in, and alice may sign in again.
    assert_eq!(app.me(&bob.access_token).await.status(), 200);
    get_ok(&app, &boss.token, "/api/admin/users").await;
    let again = app.login_ok("alice", PASSWORD).await;
    assert_eq!(app.me(&again.access_token).await.status(), 200);

    let own = call(
        &app,
        Method::POST,
        &format!("/api/admin/users/{}/sessions/revoke", boss.id),
        Some(&boss.token),
        None,
    )
    .await;
    expect_problem(own, 422, "validation_failed").await;
}

#[tokio::test]
async fn a_deleted_account_is_gone_says_goodbye_and_frees_its_username_and_address() {
    let app = spawn_app().await;
    let boss = make_admin(&app, "boss").await;
    let old = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let alice = old.user.id.to_string();
    get_ok(&app, &boss.token, &format!("/api/admin/users/{alice}")).await;

    no_content(
        &app,
        &boss.token,
        Method::DELETE,
        &format!("/api/admin/users/{alice}"),
    )
    .await;

    // Her own trail is erased; what the admins did to her account stays, naming only its id.
    let trail = get_ok(
        &app,
        &boss.token,
        &format!("/api/admin/audit?user_id={alice}&per_page=100"),
    )
    .await;
    let kinds: Vec<&str> = items(&trail)
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["admin_deleted_user", "admin_viewed_user"],
        "{trail}"
    );
    assert!(
        items(&trail)
            .iter()
            .all(|e| e["actor_id"] == boss.id.as_str() && e["email"].is_null()),
        "{trail}"
    );

    expect_problem(app.me(&old.access_token).await, 401, "unauthorized").await;
    let refresh = app
        .refresh(Some(&json!({"refresh_token": old.refresh_token})))
        .await;
    expect_problem(refresh, 401, "invalid_token").await;
    let login = app
        .login(&json!({"login": "alice", "password": PASSWORD}))
        .await;
    expect_problem(login, 401, "invalid_credentials").await;
    app.smtp
        .wait_for_mail("alice@example.com", ACCOUNT_DELETED)
        .await;
    for method in [Method::GET, Method::DELETE] {
        let gone = call(
            &app,
            method,
            &format!("/api/admin/users/{alice}"),
            Some(&boss.token),
            None,
        )
        .await;
        expect_problem(gone, 404, "not_found").await;
    }

    // The username and the address are free: registered and verified again, as a new account.
    app.register("alice", "alice@example.com", NEW_PASSWORD)
        .await;
    let code = app
        .smtp
        .wait_for_nth_mail("alice@example.com", VERIFY_EMAIL, 2)
        .await
        .code();
    let new = app.verify("alice@example.com", &code).await;
    assert_ne!(new.user.id, old.user.id);
    app.login_ok("alice@example.com", NEW_PASSWORD).await;
    let table = get_ok(&app, &boss.token, "/api/admin/users?q=alice").await;
    assert_eq!(table["total"], 1, "{table}");
    assert_eq!(items(&table)[0]["id"], new.user.id.to_string());

    // A pending registration can be deleted too; its code then activates nothing.
    app.register("dave", "dave@example.com", PASSWORD).await;
    let dave_code = app
        .smtp
        .wait_for_mail("dave@example.com", VERIFY_EMAIL)
        .await
        .code();
    let dave = user_id(&app, &boss, "dave").await;
    no_content(
        &app,
        &boss.token,
        Method::DELETE,
        &format!("/api/admin/users/{dave}"),
    )
    .await;
    let table = get_ok(&app, &boss.token, "/api/admin/users?q=dave").await;
    assert_eq!(table["total"], 0, "{table}");
    let gone = call(
        &app,
        Method::GET,
        &format!("/api/admin/users/{dave}"),
        Some(&boss.token),
        None,
    )
    .await;
    expect_problem(gone, 404, "not_found").await;
    let verify = app
        .verify_email(&json!({"email": "dave@example.com", "code": dave_code}))
        .await;
    let status = verify.status();
    assert!(
        status.is_client_error(),
        "the deleted registration's code answered {status}: {}",
        verify.text().await.unwrap()
    );

    // Not the admin's own account, not an unknown id.
    let own = call(
        &app,
        Method::DELETE,
        &format!("/api/admin/users/{}", boss.id),
        Some(&boss.token),
        None,
    )
    .await;
    expect_problem(own, 422, "validation_failed").await;
    get_ok(&app, &boss.token, "/api/admin/users").await;
    for unknown in [uuid::Uuid::new_v4().to_string(), "nobody".to_owned()] {
        let response = call(
            &app,
            Method::DELETE,
            &format!("/api/admin/users/{unknown}"),
            Some(&boss.token),
            None,
        )
        .await;
        expect_problem(response, 404, "not_found").await;
    }
}

#[tokio::test]
async fn every_admin_action_is_audited_with_the_acting_admin_and_the_trail_filters() {
    let app = spawn_app().await;
    let boss = make_admin(&app, "boss").await;
    let alice = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await
        .user
        .id
        .to_string();
    let bob = app
        .register_and_verify("bob", "bob@example.com", PASSWORD)
        .await
        .user
        .id
        .to_string();

    get_ok(&app, &boss.token, &format!("/api/admin/users/{alice}")).await;
    for action in ["disable", "enable", "sessions/revoke"] {
        no_content(
            &app,
            &boss.token,
            Method::POST,
            &format!("/api/admin/users/{alice}/{action}"),
        )
        .await;
    }
    no_content(
        &app,
        &boss.token,
        Method::DELETE,
        &format!("/api/admin/users/{bob}"),
    )
    .await;

    let of_alice = get_ok(
        &app,
        &boss.token,
        &format!("/api/admin/audit?user_id={alice}&per_page=100"),
    )
    .await;
    let lines = audit_lines(&of_alice);
    assert!(
        lines
            .iter()
            .all(|(_, user, _)| user.as_deref() == Some(alice.as_str())),
        "the user_id filter let others through: {of_alice}"
    );
    let admin_actions: Vec<&str> = lines
        .iter()
        .filter(|(kind, _, _)| kind.starts_with("admin_"))
        .map(|(kind, _, _)| kind.as_str())
        .collect();
    assert_eq!(
        admin_actions,
        [
            "admin_revoked_sessions",
            "admin_enabled_user",
            "admin_disabled_user",
            "admin_viewed_user"
        ],
        "newest first: {of_alice}"
    );
    for (kind, _, actor) in &lines {
        if kind.starts_with("admin_") {
            assert_eq!(actor.as_deref(), Some(boss.id.as_str()), "{of_alice}");
        }
    }
    let ids: Vec<i64> = items(&of_alice)
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "not newest first: {ids:?}"
    );
    for entry in items(&of_alice)
        .iter()
        .filter(|e| e["kind"].as_str().unwrap().starts_with("admin_"))
    {
        assert_eq!(entry["ip"], "127.0.0.1", "{entry}");
        timestamp(&entry["at"]);
    }

    let deletions = get_ok(
        &app,
        &boss.token,
        "/api/admin/audit?kind=admin_deleted_user",
    )
    .await;
    assert_eq!(deletions["total"], 1, "{deletions}");
    assert_eq!(
        audit_lines(&deletions),
        [(
            "admin_deleted_user".to_owned(),
            Some(bob.clone()),
            Some(boss.id.clone())
        )],
        "{deletions}"
    );

    let both = get_ok(
        &app,
        &boss.token,
        &format!("/api/admin/audit?user_id={alice}&kind=admin_disabled_user"),
    )
    .await;
    assert_eq!(both["total"], 1, "{both}");
    assert_eq!(items(&both)[0]["actor_id"], boss.id.as_str());
    let none = get_ok(
        &app,
        &boss.token,
        &format!("/api/admin/audit?user_id={bob}&kind=admin_disabled_user"),
    )
    .await;
    assert_eq!(none["total"], 0, "{none}");

    // The trail's own paging.
    let first = get_ok(&app, &boss.token, "/api/admin/audit?per_page=2").await;
    assert_eq!(items(&first).len(), 2, "{first}");
    assert!(first["total"].as_u64().unwrap() > 2, "{first}");
    let second = get_ok(&app, &boss.token, "/api/admin/audit?per_page=2&page=2").await;
    assert!(
        items(&second)[0]["id"].as_i64().unwrap() < items(&first)[1]["id"].as_i64().unwrap(),
        "page 2 does not follow page 1: {first} {second}"
    );
    for query in ["per_page=101", "page=0", "actor=me"] {
        let response = call(
            &app,
            Method::GET,
            &format!("/api/admin/audit?{query}"),
            Some(&boss.token),
            None,
        )
        .await;
        expect_problem(response, 422, "validation_failed").await;
    }
}

// ---------------------------------------------------------------------------------------------------------
// One user's story, the logs, and the numbers
// ---------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_user_page_tells_how_the_account_came_to_be_and_signs_in() {
    let app = spawn_app().await;
    let boss = make_admin(&app, "boss").await;
    let code = app
        .register_for_code("alice", "alice@example.com", PASSWORD)
        .await;
    let first = app.verify("alice@example.com", &code).await;
    let alice = first.user.id.to_string();
    tokens(login_from_browser(&app, "alice", PASSWORD).await).await;
    let wrong = login_from_browser(&app, "alice", "not the password").await;
    expect_problem(wrong, 401, "invalid_credentials").await;
    // The mail log tells when the verification mail has left.
    let sent = poll_until(MAIL_DEADLINE, || async {
        let log = get_ok(&app, &boss.token, "/api/admin/mail?recipient=ALICE@").await;
        items(&log)
            .iter()
            .any(|m| m["kind"] == VERIFY_EMAIL && m["status"] == "sent")
            .then_some(())
    })
    .await;
    assert!(sent.is_some(), "the verification mail never showed as sent");

    let page = get_ok(&app, &boss.token, &format!("/api/admin/users/{alice}")).await;

    assert_eq!(page["user"]["id"], alice.as_str(), "{page}");
    assert_eq!(page["user"]["state"], "active", "{page}");
    assert_eq!(page["user"]["active_sessions"], 2, "{page}");
    assert_eq!(page["recovery_codes_left"], Value::Null, "{page}");
    let sessions = page["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{page}");
    assert!(
        sessions.iter().any(|s| s["user_agent"] == BROWSER),
        "{page}"
    );
    assert!(sessions.iter().all(|s| s["current"] == false), "{page}");

    let events = page["events"].as_array().unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for expected in [
        "registered",
        "code_sent",
        "email_verified",
        "login_succeeded",
        "login_failed",
    ] {
        assert!(kinds.contains(&expected), "{expected} missing: {kinds:?}");
    }
    for kind in ["login_succeeded", "login_failed"] {
        let event = events.iter().find(|e| e["kind"] == kind).unwrap();
        assert_eq!(event["ip"], "127.0.0.1", "{event}");
        assert_eq!(event["user_agent"], BROWSER, "{event}");
        assert_eq!(event["user_id"], alice.as_str(), "{event}");
    }
    for event in events {
        assert_eq!(event["ip"], "127.0.0.1", "{event}");
    }

    let mails = page["mails"].as_array().unwrap();
    let verification = mails
        .iter()
        .find(|m| m["kind"] == VERIFY_EMAIL)
        .unwrap_or_else(|| panic!("no verification mail on the page: {page}"));
    assert_eq!(verification["status"], "sent", "{verification}");
    assert_eq!(
        verification["recipient"], "alice@example.com",
        "{verification}"
    );
    assert!(
        verification["attempts"].as_u64().unwrap() >= 1,
        "{verification}"
    );
    timestamp(&verification["sent_at"]);

    let codes: Vec<(&str, &str)> = page["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["event"].as_str().unwrap(), c["purpose"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [("verified", "verify_email"), ("issued", "verify_email")],
        "newest first: {page}"
    );
    assert!(
        leaks(&page, std::slice::from_ref(&code)).is_empty(),
        "the code is on the page: {page}"
    );
}

#[tokio::test]
async fn the_code_log_tells_what_happened_to_each_code_and_no_log_shows_a_code() {
    let app = spawn_app_with(|vars: &mut HashMap<String, String>| {
        vars.insert("OTP_TTL_SECONDS".into(), "10".into());
        vars.insert("OTP_RESEND_COOLDOWN_SECONDS".into(), "0".into());
        vars.insert("LIMIT_MAIL_PER_ADDRESS_PER_IP_PER_HOUR".into(), "0".into());
        vars.insert("CAPTCHA_AFTER_MAIL_PER_ADDRESS_PER_HOUR".into(), "0".into());
    })
    .await;
    // Carol's code starts ageing first; it is tried once everything else is done.
    let carol = app.register("carol", "carol@example.com", PASSWORD).await;
    let carol_code = app
        .smtp
        .wait_for_mail("carol@example.com", VERIFY_EMAIL)
        .await
        .code();
    let boss = make_admin(&app, "boss").await;
    let mut secrets = boss.secrets();
    secrets.push(carol_code.clone());

    // Bob: a code, replaced by a resent one, a wrong try, the right one; then a password reset.
    let first = app
        .register_for_code("bob", "bob@example.com", PASSWORD)
        .await;
    let resent = app.resend_code(&json!({"email": "bob@example.com"})).await;
    expect_json(resent, StatusCode::ACCEPTED).await;
    let second = app
        .smtp
        .wait_for_nth_mail("bob@example.com", VERIFY_EMAIL, 2)
        .await
        .code();
    let wrong = app
        .verify_email(&json!({"email": "bob@example.com", "code": wrong_code(&second)}))
        .await;
    expect_problem(wrong, 400, "invalid_code").await;
    let bob = app.verify("bob@example.com", &second).await;
    let forgot = app
        .forgot_password(&json!({"email": "bob@example.com"}))
        .await;
    assert_eq!(forgot.status(), 202);
    let reset_code = app
        .smtp
        .wait_for_mail("bob@example.com", PASSWORD_RESET)
        .await
        .code();
    let reset = app
        .reset_password(&json!({
            "email": "bob@example.com", "code": reset_code, "new_password": NEW_PASSWORD
        }))
        .await;
    assert_eq!(reset.status(), 204, "{}", reset.text().await.unwrap());
    secrets.extend([first, second, reset_code]);
    // An admin signing in with the app: the code it typed is a secret too.
    let login = expect_json(
        app.login(&json!({"login": "boss", "password": PASSWORD}))
            .await,
        StatusCode::OK,
    )
    .await;
    let typed = app_code(&boss.factor.secret, 0);
    let signed_in = call(
        &app,
        Method::POST,
        "/api/auth/login/mfa",
        None,
        Some(&json!({"mfa_token": login["mfa_token"], "code": typed})),
    )
    .await;
    tokens(signed_in).await;
    secrets.push(typed);

    wait_until_past(timestamp(&carol["expires_at"]) + ChronoDuration::seconds(1)).await;
    let expired = app
        .verify_email(&json!({"email": "carol@example.com", "code": carol_code}))
        .await;
    expect_problem(expired, 410, "code_expired").await;

    let of_bob = get_ok(
        &app,
        &boss.token,
        "/api/admin/codes?email=BOB@&per_page=100",
    )
    .await;
    assert_eq!(
        code_story(items(&of_bob)),
        pairs(&[
            ("issued", "verify_email"),
            ("replaced", "verify_email"),
            ("issued", "verify_email"),
            ("failed", "verify_email"),
            ("verified", "verify_email"),
            ("issued", "password_reset"),
            ("verified", "password_reset"),
        ]),
        "{of_bob}"
    );
    for entry in items(&of_bob) {
        assert_eq!(entry["email"], "bob@example.com", "{entry}");
        assert_eq!(entry["ip"], "127.0.0.1", "{entry}");
        timestamp(&entry["at"]);
    }
    let of_carol = get_ok(&app, &boss.token, "/api/admin/codes?email=carol").await;
    assert_eq!(
        code_story(items(&of_carol)),
        pairs(&[("issued", "verify_email"), ("expired", "verify_email")]),
        "{of_carol}"
    );
    let resets = get_ok(
        &app,
        &boss.token,
        "/api/admin/codes?purpose=password_reset&per_page=100",
    )
    .await;
    assert_eq!(
        code_story(items(&resets)),
        pairs(&[("issued", "password_reset"), ("verified", "password_reset")]),
        "{resets}"
    );
    let everything = get_ok(&app, &boss.token, "/api/admin/codes?per_page=100").await;
    // Boss's own code (issued, verified), Bob's seven, Carol's two.
    assert_eq!(everything["total"], 11, "{everything}");

    // The mail log: who got what, filtered by recipient and status.
    let bobs_mail = get_ok(
        &app,
        &boss.token,
        "/api/admin/mail?recipient=Bob&per_page=100",
    )
    .await;
    let kinds: Vec<&str> = items(&bobs_mail)
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == VERIFY_EMAIL).count(),
        2,
        "{bobs_mail}"
    );
    assert!(kinds.contains(&PASSWORD_RESET), "{bobs_mail}");
    assert!(
        items(&bobs_mail)
            .iter()
            .all(|m| m["recipient"] == "bob@example.com"),
        "{bobs_mail}"
    );
    let failed = get_ok(&app, &boss.token, "/api/admin/mail?status=failed").await;
    assert_eq!(failed["total"], 0, "no mail failed: {failed}");
    let sent = get_ok(
        &app,
        &boss.token,
        "/api/admin/mail?status=sent&per_page=100",
    )
    .await;
    assert!(items(&sent).iter().all(|m| m["status"] == "sent"), "{sent}");

    // No log shows any code the test received or typed, nor the admin's key or recovery codes.
    let carol_id = user_id(&app, &boss, "carol").await;
    let mut bodies = Vec::new();
    for path in [
        format!("/api/admin/users/{}", bob.user.id),
        format!("/api/admin/users/{carol_id}"),
        format!("/api/admin/users/{}", boss.id),
        "/api/admin/users?per_page=100".to_owned(),
        "/api/admin/mail?per_page=100".to_owned(),
        "/api/admin/codes?per_page=100".to_owned(),
        "/api/admin/audit?per_page=100".to_owned(),
    ] {
        bodies.push((path.clone(), get_ok(&app, &boss.token, &path).await));
    }
    let audit = &bodies.last().unwrap().1;
    assert!(
        audit["total"].as_u64().unwrap() <= 100,
        "the trail no longer fits one page: {}",
        audit["total"]
    );
    secrets.push(PASSWORD.to_owned());
    secrets.push("$argon2".to_owned());
    for (path, body) in &bodies {
        let found = leaks(body, &secrets);
        assert!(found.is_empty(), "{path} shows secrets: {found:?}\n{body}");
    }
}

#[tokio::test]
async fn the_daily_numbers_count_what_happened_each_day() {
    let app = spawn_app().await;
    let started: NaiveDate = Utc::now().date_naive();
    // Three registrations, two of them verified.
    let boss = make_admin(&app, "boss").await;
    app.register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    app.register("bob", "bob@example.com", PASSWORD).await;
    // Three sign-ins: two with the password alone, one with the app's code after a wrong one.
    app.login_ok("alice", PASSWORD).await;
    app.login_ok("alice@example.com", PASSWORD).await;
    let first_step = expect_json(
        app.login(&json!({"login": "boss", "password": PASSWORD}))
            .await,
        StatusCode::OK,
    )
    .await;
    let mfa_token = first_step["mfa_token"].as_str().unwrap();
    let wrong = call(
        &app,
        Method::POST,
        "/api/auth/login/mfa",
        None,
        Some(&json!({"mfa_token": mfa_token, "code": not_an_app_code(&boss.factor.secret)})),
    )
    .await;
    expect_problem(wrong, 400, "invalid_code").await;
    let right = call(
        &app,
        Method::POST,
        "/api/auth/login/mfa",
        None,
        Some(&json!({
            "mfa_token": mfa_token,
            "code": app_code(&boss.factor.secret, 0)
        })),
    )
    .await;
    tokens(right).await;
    // Four failed sign-ins: two wrong passwords, an unknown login, and the wrong app code above.
    for login in ["alice", "alice", "nobody"] {
        let failed = app
            .login(&json!({"login": login, "password": "not the password"}))
            .await;
        expect_problem(failed, 401, "invalid_credentials").await;
    }

    let stats = get_ok(&app, &boss.token, "/api/admin/stats?days=30").await;
    let ended: NaiveDate = Utc::now().date_naive();

    let days = stats["days"].as_array().unwrap();
    assert_eq!(days.len(), 30, "{stats}");
    let dates: Vec<NaiveDate> = days
        .iter()
        .map(|d| d["date"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(
        dates.windows(2).all(|w| w[1] == w[0].succ_opt().unwrap()),
        "not one entry per day, oldest first: {dates:?}"
    );
    let last = *dates.last().unwrap();
    assert!(
        last == started || last == ended,
        "the last day is {last}, not today"
    );
    let totals =
        |field: &str| -> u64 { days.iter().map(|d| d[field].as_u64().unwrap()).sum::<u64>() };
    let expected = [
        ("registrations", 3),
        ("verifications", 2),
        ("logins", 3),
        ("failed_logins", 4),
        ("mails_failed", 0),
    ];
    for (field, n) in expected {
        assert_eq!(totals(field), n, "{field} over the window: {stats}");
    }
    if started == ended {
        // Everything happened today: today holds it all.
        let today = days.last().unwrap();
        for (field, n) in expected {
            assert_eq!(today[field], n, "{field} today: {today}");
        }
    }

    let default = get_ok(&app, &boss.token, "/api/admin/stats").await;
    assert_eq!(default["days"].as_array().unwrap().len(), 30);
    let one = get_ok(&app, &boss.token, "/api/admin/stats?days=1").await;
    assert_eq!(one["days"].as_array().unwrap().len(), 1, "{one}");
    let year = get_ok(&app, &boss.token, "/api/admin/stats?days=365").await;
    assert_eq!(year["days"].as_array().unwrap().len(), 365);
    for days in ["0", "366", "many"] {
        let response = call(
            &app,
            Method::GET,
            &format!("/api/admin/stats?days={days}"),
            Some(&boss.token),
            None,
        )
        .await;
        expect_problem(response, 422, "validation_failed").await;
    }
}
