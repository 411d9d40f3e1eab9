//! `docker-compose.yml`, `Dockerfile`, `.dockerignore` and the proxy's configuration, checked without
//! Docker: the portal services set only variables the portal reads, agree on what makes them one portal
//! (database, keys, address), reach the database, mail catcher and proxy the file defines, and the image
//! builds from files that exist and runs the binary as a user other than root.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde_yaml_ng::{Mapping, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn read(relative: &str) -> String {
    let path = root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every variable the portal reads, found in `backend/src/settings.rs` as `settings.rs`'s own test finds
/// them: a string literal outside the tests that is nothing but an upper-case name.
fn variables_read() -> BTreeSet<String> {
    let source = read("backend/src/settings.rs");
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    code.split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            s.len() > 3
                && s.contains('_')
                && s.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
        .map(str::to_owned)
        .collect()
}

// ---------------------------------------------------------------------------------------------------
// docker-compose.yml

/// Compose's `${NAME:-default}` and `${NAME-default}` as they resolve with nothing set (the try-out), and
/// `$$` as a literal `$`. A bare `${NAME}` would resolve to nothing: refused, so every value is known here.
fn interpolate(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(inner) = after.strip_prefix('{') {
            let end = inner
                .find('}')
                .unwrap_or_else(|| panic!("unclosed ${{ in {text:?}"));
            let expression = &inner[..end];
            let default = expression
                .split_once(":-")
                .or_else(|| expression.split_once('-'))
                .map(|(_, default)| default)
                .unwrap_or_else(|| {
                    panic!("${{{expression}}} in {text:?} has no default: give it one (${{NAME:-value}})")
                });
            out.push_str(default);
            rest = &inner[end + 1..];
        } else {
            panic!("a bare $ in {text:?}: write ${{NAME:-default}}, or $$ for a literal $");
        }
    }
    out.push_str(rest);
    out
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => interpolate(s),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null => String::new(),
        other => panic!("expected a scalar, got {other:?}"),
    }
}

struct Compose {
    services: BTreeMap<String, Mapping>,
    document: Value,
}

impl Compose {
    fn load() -> Self {
        let mut document: Value = serde_yaml_ng::from_str(&read("docker-compose.yml")).unwrap();
        // `<<: *portal`: both instances are written once.
        document.apply_merge().unwrap();
        let services = document
            .get("services")
            .and_then(Value::as_mapping)
            .expect("docker-compose.yml has services")
            .iter()
            .map(|(name, service)| {
                let name = name.as_str().unwrap().to_owned();
                let service = service
                    .as_mapping()
                    .unwrap_or_else(|| panic!("service {name} is not a mapping"))
                    .clone();
                (name, service)
            })
            .collect();
        Self { services, document }
    }

    fn service(&self, name: &str) -> &Mapping {
        self.services
            .get(name)
            .unwrap_or_else(|| panic!("no service {name} in docker-compose.yml"))
    }

    /// The services built from this repository's Dockerfile: the portal instances.
    fn portals(&self) -> Vec<&str> {
        self.services
            .iter()
            .filter(|(_, service)| service.contains_key("build"))
            .map(|(name, _)| name.as_str())
            .collect()
    }

    /// The one service whose image starts with `prefix` (`postgres`, `axllent/mailpit`, `caddy`).
    fn by_image(&self, prefixes: &[&str]) -> &str {
        let found: Vec<&str> = self
            .services
            .iter()
            .filter(|(_, service)| {
                service
                    .get("image")
                    .map(scalar)
                    .is_some_and(|image| prefixes.iter().any(|p| image.starts_with(p)))
            })
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(
            found.len(),
            1,
            "one service with an image of {prefixes:?}, found {found:?}"
        );
        found[0]
    }

    fn environment(&self, name: &str) -> BTreeMap<String, String> {
        match self.service(name).get("environment") {
            None => BTreeMap::new(),
            Some(Value::Mapping(map)) => map
                .iter()
                .map(|(k, v)| (k.as_str().unwrap().to_owned(), scalar(v)))
                .collect(),
            Some(Value::Sequence(items)) => items
                .iter()
                .map(|item| {
                    let item = scalar(item);
                    let (k, v) = item.split_once('=').unwrap_or((item.as_str(), ""));
                    (k.to_owned(), v.to_owned())
                })
                .collect(),
            Some(other) => panic!("environment of {name} is neither a map nor a list: {other:?}"),
        }
    }

    /// The names in `depends_on` (a list, or a map of name to condition) with their conditions.
    fn depends_on(&self, name: &str) -> BTreeMap<String, String> {
        match self.service(name).get("depends_on") {
            None => BTreeMap::new(),
            Some(Value::Sequence(items)) => items
                .iter()
                .map(|item| (scalar(item), "service_started".to_owned()))
                .collect(),
            Some(Value::Mapping(map)) => map
                .iter()
                .map(|(k, v)| {
                    let condition = v.get("condition").map(scalar);
                    (
                        k.as_str().unwrap().to_owned(),
                        condition.unwrap_or_else(|| "service_started".into()),
                    )
                })
                .collect(),
            Some(other) => panic!("depends_on of {name}: {other:?}"),
        }
    }

    /// `ports` in the short form, each as `[host_ip:]host_port:container_port`.
    fn ports(&self, name: &str) -> Vec<String> {
        self.service(name)
            .get("ports")
            .and_then(Value::as_sequence)
            .map(|ports| ports.iter().map(scalar).collect())
            .unwrap_or_default()
    }

    /// `(host path, container path)` of each bind mount (a source starting with `.` or `/`).
    fn bind_mounts(&self, name: &str) -> Vec<(String, String)> {
        self.service(name)
            .get("volumes")
            .and_then(Value::as_sequence)
            .map(|volumes| {
                volumes
                    .iter()
                    .map(scalar)
                    .filter(|v| v.starts_with('.') || v.starts_with('/'))
                    .map(|v| {
                        let mut parts = v.split(':');
                        (
                            parts.next().unwrap().to_owned(),
                            parts.next().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The subnets of the networks `name` is attached to (`default` when it names none).
    fn subnets_of(&self, name: &str) -> Vec<ipnet::IpNet> {
        let networks: Vec<String> = match self.service(name).get("networks") {
            None => vec!["default".into()],
            Some(Value::Sequence(items)) => items.iter().map(scalar).collect(),
            Some(Value::Mapping(map)) => {
                map.keys().map(|k| k.as_str().unwrap().to_owned()).collect()
            }
            Some(other) => panic!("networks of {name}: {other:?}"),
        };
        networks
            .iter()
            .flat_map(|network| {
                self.document
                    .get("networks")
                    .and_then(|n| n.get(network.as_str()))
                    .and_then(|n| n.get("ipam"))
                    .and_then(|ipam| ipam.get("config"))
                    .and_then(Value::as_sequence)
                    .cloned()
                    .unwrap_or_default()
            })
            .filter_map(|config| config.get("subnet").map(scalar))
            .map(|subnet| {
                subnet
                    .parse()
                    .unwrap_or_else(|_| panic!("subnet {subnet:?}"))
            })
            .collect()
    }
}

/// The port of a `PUBLIC_URL` or `BIND_ADDR`-like `host:port`.
fn port_of(address: &str) -> u16 {
    address
        .rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .unwrap_or_else(|| panic!("no port in {address:?}"))
}

#[test]
fn the_settings_scan_finds_the_variables() {
    let names = variables_read();
    assert!(names.len() > 40, "the scan found too few: {names:?}");
    for name in ["DATABASE_URL", "SECRET_KEY", "SMTP_URL", "TRUSTED_PROXIES"] {
        assert!(names.contains(name), "{name} not found: {names:?}");
    }
}

#[test]
fn the_portal_services_set_only_variables_the_portal_reads() {
    let compose = Compose::load();
    let portals = compose.portals();
    assert!(
        portals.len() >= 2,
        "two portal instances are built from the Dockerfile, found {portals:?}"
    );
    let known = variables_read();
    for portal in &portals {
        // An env_file would set variables this test cannot see.
        assert!(
            !compose.service(portal).contains_key("env_file"),
            "{portal}: set its variables under environment, not in an env_file"
        );
        let environment = compose.environment(portal);
        assert!(!environment.is_empty(), "{portal} has no environment");
        for name in environment.keys() {
            assert!(
                known.contains(name),
                "{portal} sets {name}, which the portal does not read (see backend/src/settings.rs)"
            );
        }
    }
}

#[test]
fn the_portal_instances_are_one_portal() {
    let compose = Compose::load();
    let portals = compose.portals();
    let first = compose.environment(portals[0]);
    for required in [
        "DATABASE_URL",
        "SECRET_KEY",
        "SMTP_URL",
        "PUBLIC_URL",
        "BIND_ADDR",
    ] {
        assert!(
            first.contains_key(required),
            "{} sets no {required}",
            portals[0]
        );
    }
    assert!(
        first["SECRET_KEY"].len() >= 32,
        "SECRET_KEY needs at least 32 bytes"
    );
    if let Some(jwt) = first.get("JWT_SECRET") {
        assert!(jwt.len() >= 32, "JWT_SECRET needs at least 32 bytes");
    }
    // The same database, keys and address: each verifies the other's tokens, codes and cookies, and
    // links in mails point to the same place whoever sent them.
    for portal in &portals[1..] {
        let other = compose.environment(portal);
        for shared in [
            "DATABASE_URL",
            "SECRET_KEY",
            "JWT_SECRET",
            "PUBLIC_URL",
            "TRUSTED_PROXIES",
            "COOKIE_DOMAIN",
        ] {
            assert_eq!(
                first.get(shared),
                other.get(shared),
                "{} and {portal} must agree on {shared}",
                portals[0]
            );
        }
    }
}

#[test]
fn the_database_is_the_compose_postgres() {
    let compose = Compose::load();
    let postgres = compose.by_image(&["postgres"]);
    let credentials = compose.environment(postgres);
    let user = credentials
        .get("POSTGRES_USER")
        .cloned()
        .unwrap_or_else(|| "postgres".into());
    let database = credentials
        .get("POSTGRES_DB")
        .cloned()
        .unwrap_or_else(|| user.clone());
    for portal in compose.portals() {
        let raw = &compose.environment(portal)["DATABASE_URL"];
        let url = url::Url::parse(raw).unwrap_or_else(|e| panic!("{portal}: DATABASE_URL: {e}"));
        assert!(
            matches!(url.scheme(), "postgres" | "postgresql"),
            "{portal}: DATABASE_URL is not a postgres:// URL: {raw}"
        );
        assert_eq!(
            url.host_str(),
            Some(postgres),
            "{portal}: DATABASE_URL's host"
        );
        assert!(
            matches!(url.port(), None | Some(5432)),
            "{portal}: DATABASE_URL's port"
        );
        assert_eq!(url.username(), user, "{portal}: DATABASE_URL's user");
        assert_eq!(
            url.password(),
            credentials.get("POSTGRES_PASSWORD").map(String::as_str),
            "{portal}: DATABASE_URL's password is not POSTGRES_PASSWORD"
        );
        assert_eq!(
            url.path().trim_start_matches('/'),
            database,
            "{portal}: DATABASE_URL's database"
        );
        assert_eq!(
            compose.depends_on(portal).get(postgres).map(String::as_str),
            Some("service_healthy"),
            "{portal} waits for {postgres} to be healthy"
        );
    }
    let healthcheck = compose
        .service(postgres)
        .get("healthcheck")
        .and_then(|h| h.get("test"))
        .map(|test| match test {
            Value::Sequence(parts) => parts.iter().map(scalar).collect::<Vec<_>>().join(" "),
            other => scalar(other),
        })
        .unwrap_or_default();
    assert!(
        healthcheck.contains("pg_isready"),
        "{postgres} has a pg_isready healthcheck"
    );
    let volumes = compose
        .service(postgres)
        .get("volumes")
        .and_then(Value::as_sequence)
        .map(|v| v.iter().map(scalar).collect::<Vec<_>>())
        .unwrap_or_default();
    let named: Vec<&String> = volumes
        .iter()
        .filter(|v| v.ends_with(":/var/lib/postgresql/data"))
        .collect();
    assert_eq!(
        named.len(),
        1,
        "{postgres} keeps its data in a volume: {volumes:?}"
    );
    let volume = named[0].split(':').next().unwrap();
    assert!(
        compose
            .document
            .get("volumes")
            .and_then(|v| v.get(volume))
            .is_some(),
        "{volume} is a named volume declared under volumes"
    );
}

#[test]
fn mail_goes_to_the_mail_catcher() {
    let compose = Compose::load();
    let mailpit = compose.by_image(&["axllent/mailpit"]);
    for portal in compose.portals() {
        let raw = &compose.environment(portal)["SMTP_URL"];
        let url = url::Url::parse(raw).unwrap_or_else(|e| panic!("{portal}: SMTP_URL: {e}"));
        assert_eq!(url.scheme(), "smtp", "{portal}: SMTP_URL");
        assert_eq!(url.host_str(), Some(mailpit), "{portal}: SMTP_URL's host");
        assert_eq!(
            url.port(),
            Some(1025),
            "{portal}: Mailpit takes SMTP on 1025"
        );
        // Mailpit offers no STARTTLS by default, and smtp:// alone requires it.
        assert!(
            url.query_pairs().any(|(k, v)| k == "tls" && v == "none"),
            "{portal}: SMTP_URL needs ?tls=none for Mailpit: {raw}"
        );
        assert!(
            compose.depends_on(portal).contains_key(mailpit),
            "{portal} depends on {mailpit}"
        );
    }
    assert!(
        compose.ports(mailpit).iter().any(|p| p.ends_with(":8025")),
        "Mailpit's web inbox (8025) is published"
    );
}

#[test]
fn the_proxy_balances_over_every_instance_and_is_trusted() {
    let compose = Compose::load();
    let proxy = compose.by_image(&["caddy", "nginx"]);
    let portals = compose.portals();
    let environment = compose.environment(portals[0]);
    let portal_port = port_of(&environment["BIND_ADDR"]);

    let mounts = compose.bind_mounts(proxy);
    let config = mounts
        .iter()
        .find(|(_, inside)| inside.contains("Caddyfile") || inside.contains("nginx"))
        .unwrap_or_else(|| {
            panic!("{proxy} mounts its configuration from the repository: {mounts:?}")
        });
    let config_text = read(config.0.trim_start_matches("./"));
    for portal in &portals {
        assert!(
            config_text.contains(&format!("{portal}:{portal_port}")),
            "{} sends nothing to {portal}:{portal_port}",
            config.0
        );
        assert_eq!(
            compose.depends_on(proxy).get(*portal).map(String::as_str),
            Some("service_healthy"),
            "{proxy} starts once {portal} answers"
        );
    }
    if config.1.contains("nginx") {
        assert!(
            config_text.contains("$proxy_add_x_forwarded_for"),
            "nginx must pass X-Forwarded-For"
        );
    } else {
        // Caddy's reverse_proxy sets X-Forwarded-For unless told to drop it.
        assert!(config_text.contains("reverse_proxy"));
        assert!(
            !config_text.contains("-X-Forwarded-For"),
            "Caddy must pass X-Forwarded-For"
        );
    }

    // The proxy's own address is trusted, so the client's address comes from its X-Forwarded-For.
    let trusted: Vec<ipnet::IpNet> = environment
        .get("TRUSTED_PROXIES")
        .expect("TRUSTED_PROXIES names the proxy")
        .split(',')
        .map(|s| {
            let s = s.trim();
            s.parse()
                .or_else(|_| s.parse::<IpAddr>().map(ipnet::IpNet::from))
                .unwrap()
        })
        .collect();
    let subnets = compose.subnets_of(proxy);
    assert!(
        !subnets.is_empty(),
        "{proxy}'s network needs a fixed subnet for TRUSTED_PROXIES to name"
    );
    for subnet in subnets {
        assert!(
            trusted.iter().any(|t| t.contains(&subnet)),
            "TRUSTED_PROXIES {trusted:?} does not cover {proxy}'s network {subnet}"
        );
    }

    // The one published address is the proxy's, and it is PUBLIC_URL's.
    let public_port = port_of(&environment["PUBLIC_URL"]);
    assert!(
        compose
            .ports(proxy)
            .iter()
            .any(|p| p.ends_with(&format!(":{public_port}"))
                && p.contains(&format!("{public_port}:"))),
        "{proxy} publishes PUBLIC_URL's port {public_port}"
    );
    for portal in &portals {
        assert!(
            compose.ports(portal).is_empty(),
            "{portal} is reached through {proxy} only"
        );
    }
}

#[test]
fn every_dependency_and_build_is_defined() {
    let compose = Compose::load();
    for name in compose.services.keys() {
        for dependency in compose.depends_on(name).keys() {
            assert!(
                compose.services.contains_key(dependency),
                "{name} depends on {dependency}, which is not a service"
            );
        }
        let Some(build) = compose.service(name).get("build") else {
            continue;
        };
        let (context, dockerfile) = match build {
            Value::Mapping(build) => (
                build
                    .get("context")
                    .map(scalar)
                    .unwrap_or_else(|| ".".into()),
                build
                    .get("dockerfile")
                    .map(scalar)
                    .unwrap_or_else(|| "Dockerfile".into()),
            ),
            other => (scalar(other), "Dockerfile".into()),
        };
        let path = root().join(&context).join(&dockerfile);
        assert!(
            path.is_file(),
            "{name} builds from {}, which does not exist",
            path.display()
        );
        assert_eq!(
            path.canonicalize().unwrap(),
            root().join("Dockerfile").canonicalize().unwrap(),
            "{name} builds from the repository's Dockerfile"
        );
    }
}

// ---------------------------------------------------------------------------------------------------
// Dockerfile

struct Instruction {
    keyword: String,
    arguments: String,
    stage: usize,
}

/// The Dockerfile's instructions (continuation lines joined, comments and parser directives dropped),
/// each with the index of its stage.
fn dockerfile() -> Vec<Instruction> {
    let mut instructions = Vec::new();
    let mut stage = 0;
    let mut pending = String::new();
    for line in read("Dockerfile").lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || (trimmed.is_empty() && pending.is_empty()) {
            continue;
        }
        if let Some(continued) = trimmed.strip_suffix('\\') {
            pending.push_str(continued);
            pending.push(' ');
            continue;
        }
        pending.push_str(trimmed);
        let (keyword, arguments) = pending
            .split_once(char::is_whitespace)
            .unwrap_or((&pending, ""));
        let keyword = keyword.to_ascii_uppercase();
        if keyword == "FROM" && !instructions.is_empty() {
            stage += 1;
        }
        instructions.push(Instruction {
            keyword,
            arguments: arguments.trim().to_owned(),
            stage,
        });
        pending.clear();
    }
    instructions
}

/// An instruction's arguments without its `--flag=value` options.
fn operands(arguments: &str) -> Vec<&str> {
    arguments
        .split_whitespace()
        .filter(|a| !a.starts_with("--"))
        .collect()
}

fn flag<'a>(arguments: &'a str, name: &str) -> Option<&'a str> {
    arguments
        .split_whitespace()
        .find_map(|a| a.strip_prefix(&format!("--{name}=")))
}

/// The values of every `ARG NAME=value` of the Dockerfile (each stage declares its own).
fn arg_defaults(instructions: &[Instruction], name: &str) -> Vec<String> {
    instructions
        .iter()
        .filter(|i| i.keyword == "ARG")
        .filter_map(|i| {
            i.arguments
                .strip_prefix(&format!("{name}="))
                .map(str::to_owned)
        })
        .collect()
}

/// `NAME=value` as written in a shell script.
fn shell_assignment(script: &str, name: &str) -> String {
    script
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name}= in the script"))
        .trim_matches('"')
        .to_owned()
}

fn json_array(arguments: &str) -> Vec<String> {
    serde_json::from_str(arguments)
        .unwrap_or_else(|e| panic!("{arguments:?} is not the exec (JSON array) form: {e}"))
}

#[test]
fn every_copied_path_exists_and_reaches_the_builder() {
    let instructions = dockerfile();
    let ignored: Vec<String> = read(".dockerignore")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('!'))
        .map(|l| l.trim_start_matches("**/").trim_end_matches('/').to_owned())
        .collect();
    for must_ignore in ["target", "frontend/dist", ".git", ".env", "data"] {
        assert!(
            ignored.iter().any(|i| i == must_ignore),
            ".dockerignore leaves out {must_ignore}"
        );
    }
    let stages: BTreeSet<String> = instructions
        .iter()
        .filter(|i| i.keyword == "FROM")
        .filter_map(|i| {
            let words: Vec<&str> = i.arguments.split_whitespace().collect();
            match words.as_slice() {
                [_, as_, name] if as_.eq_ignore_ascii_case("as") => Some((*name).to_owned()),
                _ => None,
            }
        })
        .collect();
    let mut copied = 0;
    for instruction in instructions
        .iter()
        .filter(|i| matches!(i.keyword.as_str(), "COPY" | "ADD"))
    {
        if let Some(from) = flag(&instruction.arguments, "from") {
            assert!(stages.contains(from), "COPY --from={from}: no such stage");
            continue;
        }
        let paths = operands(&instruction.arguments);
        let (_, sources) = paths
            .split_last()
            .expect("COPY names a source and a destination");
        assert!(
            !sources.is_empty(),
            "COPY {} names no source",
            instruction.arguments
        );
        for source in sources {
            let source = source.trim_end_matches('/');
            assert!(
                root().join(source).exists(),
                "COPY {source}: not in the repository"
            );
            // A path the context leaves out would be missing in the builder although it exists here.
            for ignore in &ignored {
                assert!(
                    source != ignore && !source.starts_with(&format!("{ignore}/")),
                    "COPY {source}: .dockerignore leaves it out ({ignore})"
                );
            }
            copied += 1;
        }
    }
    assert!(
        copied >= 5,
        "the scan found too few COPY sources ({copied})"
    );
}

#[test]
fn the_image_builds_the_client_then_the_binary_and_runs_it_unprivileged() {
    let instructions = dockerfile();
    let last_stage = instructions.last().unwrap().stage;
    assert!(last_stage >= 1, "the Dockerfile is multi-stage");

    // The builder: the official Rust image, no older than the workspace's rust-version.
    let builder = instructions
        .iter()
        .find(|i| i.keyword == "FROM" && i.arguments.starts_with("rust:"))
        .expect("a stage FROM the official rust image");
    let tag = builder.arguments.split_whitespace().next().unwrap();
    let version = tag
        .trim_start_matches("rust:")
        .split('-')
        .next()
        .unwrap()
        .to_owned();
    let workspace = read("Cargo.toml");
    let wanted = workspace
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = "))
        .unwrap()
        .trim_matches('"');
    let numbers = |v: &str| -> Vec<u32> { v.split('.').map(|n| n.parse().unwrap()).collect() };
    assert!(
        numbers(&version) >= numbers(wanted),
        "{tag} is older than the workspace's rust-version {wanted}"
    );

    let runs: Vec<&Instruction> = instructions
        .iter()
        .filter(|i| i.keyword == "RUN" && i.stage == builder.stage)
        .collect();
    let client = runs
        .iter()
        .position(|r| r.arguments.contains("scripts/build-frontend.sh"))
        .expect("the builder builds the client with scripts/build-frontend.sh");
    let server = runs
        .iter()
        .position(|r| {
            r.arguments
                .contains("cargo build --release --locked -p otp-portal")
        })
        .expect("the builder builds the release binary");
    assert!(
        client < server,
        "the client is built before the binary that embeds it"
    );

    // The tools installed ahead, for the cache, are the versions the script and Cargo.lock pin.
    let script = read("scripts/build-frontend.sh");
    let lock = read("Cargo.lock");
    let wasm_bindgen = lock
        .split("\n[[package]]\n")
        .find_map(|p| p.strip_prefix("name = \"wasm-bindgen\"\nversion = \""))
        .and_then(|p| p.split('"').next())
        .expect("wasm-bindgen in Cargo.lock");
    for (arg, pinned) in [
        ("TRUNK_VERSION", shell_assignment(&script, "TRUNK_VERSION")),
        (
            "SWAGGER_UI_VERSION",
            shell_assignment(&script, "SWAGGER_UI_VERSION"),
        ),
        ("WASM_BINDGEN_VERSION", wasm_bindgen.to_owned()),
    ] {
        for value in arg_defaults(&instructions, arg) {
            assert_eq!(
                value, pinned,
                "the Dockerfile's {arg} is not the pinned version"
            );
        }
    }

    // The runtime stage: the binary from the builder, a user other than root, the binary as entrypoint.
    let last: Vec<&Instruction> = instructions
        .iter()
        .filter(|i| i.stage == last_stage)
        .collect();
    let user = last
        .iter()
        .rev()
        .find(|i| i.keyword == "USER")
        .expect("the final stage names a USER");
    let account = user.arguments.split(':').next().unwrap();
    assert!(
        !matches!(account, "root" | "0" | ""),
        "the final stage runs as root ({})",
        user.arguments
    );
    let entrypoint = last
        .iter()
        .rev()
        .find(|i| i.keyword == "ENTRYPOINT")
        .expect("the final stage has an ENTRYPOINT");
    let entrypoint = json_array(&entrypoint.arguments);
    let binary = entrypoint.first().expect("an empty ENTRYPOINT");
    assert!(
        binary == "otp-portal" || binary.ends_with("/otp-portal"),
        "the ENTRYPOINT is {entrypoint:?}, not the otp-portal binary"
    );
    let copied_binary = last
        .iter()
        .filter(|i| i.keyword == "COPY" && flag(&i.arguments, "from").is_some())
        .filter_map(|i| operands(&i.arguments).last().map(|d| d.to_string()))
        .find(|destination| destination.ends_with("/otp-portal"))
        .expect("the final stage copies the otp-portal binary from the builder");
    if binary == "otp-portal" {
        let directory = copied_binary.trim_end_matches("/otp-portal");
        assert!(
            matches!(directory, "/usr/local/bin" | "/usr/bin" | "/bin"),
            "otp-portal goes to {copied_binary}, which is not on the default PATH"
        );
    } else {
        assert_eq!(
            binary, &copied_binary,
            "the ENTRYPOINT names where the binary is copied"
        );
    }
    // A binary linked against the system's libpq (pq-sys without its bundled copy) needs it at run time.
    let links_libpq = lock.contains("name = \"pq-sys\"") && !lock.contains("name = \"pq-src\"");
    let installs_libpq = last.iter().any(|i| {
        i.keyword == "RUN"
            && i.arguments.contains("apt-get install")
            && i.arguments.contains("libpq5")
    });
    assert!(
        !links_libpq || installs_libpq,
        "the binary links libpq (pq-sys): the final stage must install libpq5"
    );
    let cmd = last
        .iter()
        .rev()
        .find(|i| i.keyword == "CMD")
        .map(|i| json_array(&i.arguments));
    assert_eq!(
        cmd,
        Some(vec!["serve".to_owned()]),
        "the image serves by default"
    );
    let exposed: Vec<&str> = last
        .iter()
        .filter(|i| i.keyword == "EXPOSE")
        .flat_map(|i| i.arguments.split_whitespace())
        .collect();
    let compose = Compose::load();
    let bind_port = port_of(&compose.environment(compose.portals()[0])["BIND_ADDR"]);
    assert!(
        exposed
            .iter()
            .any(|p| p.trim_end_matches("/tcp") == bind_port.to_string()),
        "the image exposes {exposed:?}, the compose file binds {bind_port}"
    );
}
