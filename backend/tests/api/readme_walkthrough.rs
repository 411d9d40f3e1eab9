//! The README's curl walk-through, run as written (its first `sh` block), twice in a row against a
//! server on the development mailer, as a reader would after `./scripts/run.sh`.

use std::process::Command;

use crate::helpers::spawn_app_with;

/// The first ```sh block after the walk-through's heading.
fn walkthrough() -> String {
    let readme = include_str!("../../../README.md");
    let section = readme
        .split("## Walk-through with curl")
        .nth(1)
        .expect("the README has the walk-through");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the walk-through has an sh block");
    block.to_owned()
}

#[tokio::test]
async fn the_readmes_walkthrough_runs_twice_in_a_row() {
    if Command::new("curl").arg("--version").output().is_err() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "curl is needed in CI"
        );
        eprintln!("skipping: curl is not installed");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    let data_dir = data.display().to_string();
    // The development mailer, writing where the walk-through's `code` helper reads (`data/mail`).
    let app = spawn_app_with(move |vars| {
        vars.remove("SMTP_URL");
        vars.insert(
            "DATABASE_URL".into(),
            format!("sqlite://{data_dir}/portal.db"),
        );
        vars.insert("DATA_DIR".into(), data_dir);
    })
    .await;
    let script = walkthrough();
    let mut usernames = Vec::new();
    for run in 1..=2 {
        let output = tokio::task::spawn_blocking({
            let script = script.clone();
            let cwd = work.path().to_owned();
            let base = app.address.clone();
            move || {
                Command::new("bash")
                    .args(["-euo", "pipefail", "-c", &script])
                    .env("B", base)
                    .current_dir(cwd)
                    .output()
                    .unwrap()
            }
        })
        .await
        .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "run {run} failed ({}):\n{stdout}\n{stderr}",
            output.status
        );
        let lines: Vec<&str> = stdout.lines().collect();
        // Registered, verified (tokens), the dashboard's data, refreshed, 204 + 401 after logout,
        // signed in again, forgot (202 body), reset 204.
        assert!(
            lines[0].contains("registration_token"),
            "run {run}: {stdout}"
        );
        assert!(
            lines[1].contains(r#""token_type":"Bearer""#),
            "run {run}: {stdout}"
        );
        assert!(
            lines[2].contains(r#""email_verified":true"#),
            "run {run}: {stdout}"
        );
        assert_eq!(lines[4], "204", "run {run}: {stdout}");
        assert!(lines[5].contains("unauthorized"), "run {run}: {stdout}");
        assert!(lines[6].contains("access_token"), "run {run}: {stdout}");
        assert_eq!(lines.last().copied(), Some("204"), "run {run}: {stdout}");
        let me: serde_json::Value = serde_json::from_str(lines[2]).unwrap();
        usernames.push(me["username"].as_str().unwrap().to_owned());
    }
    assert_ne!(usernames[0], usernames[1], "both runs used one name");
}
