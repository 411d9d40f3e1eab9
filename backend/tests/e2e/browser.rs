//! The browser side of the end-to-end tests: one chromedriver per test driving a fresh headless Chromium
//! against the real server, helpers that wait for the page with deadlines, and screenshots.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::key::Key;
use fantoccini::wd::{WebDriverCompatibleCommand, WindowHandle};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use tempfile::TempDir;
use tokio::sync::Semaphore;

use crate::helpers::{self, poll_until, TestApp, VERIFY_EMAIL};

/// How long the page may take to show what a test waits for.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// Desktop and phone viewports: (name, width, height, mobile).
pub const DESKTOP: Viewport = Viewport {
    name: "desktop",
    width: 1280,
    height: 800,
    mobile: false,
};
pub const PHONE: Viewport = Viewport {
    name: "phone",
    width: 360,
    height: 780,
    mobile: true,
};

#[derive(Clone, Copy, Debug)]
pub struct Viewport {
    pub name: &'static str,
    pub width: u32,
    pub height: u32,
    pub mobile: bool,
}

/// Flags that keep Chromium from reaching the internet at start-up and let it run as root in a container.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,800",
];

/// Records what the page must never do: Content-Security-Policy violations and uncaught errors (a wasm
/// panic ends in one). Installed before any script of each new document runs.
const WATCHERS: &str = r#"
window.__cspViolations = [];
window.__pageErrors = [];
document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline code"} at ${e.sourceFile}:${e.lineNumber}`);
});
window.addEventListener("error", (e) => window.__pageErrors.push(String(e.message)));
window.addEventListener("unhandledrejection", (e) => window.__pageErrors.push(`unhandled rejection: ${e.reason}`));
"#;

/// At most this many browsers at once, whatever the number of test threads.
static BROWSERS: Semaphore = Semaphore::const_new(3);

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| "/usr/bin/chromium".into(), PathBuf::from)
}

fn chromedriver() -> PathBuf {
    std::env::var_os("CHROMEDRIVER").map_or_else(|| "/usr/bin/chromedriver".into(), PathBuf::from)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the backend crate sits in the workspace")
        .to_path_buf()
}

/// The built browser client the server serves at `/`.
pub fn client_dir() -> PathBuf {
    workspace_root().join("frontend").join("dist")
}

/// Where screenshots go: `$SCREENSHOTS_DIR` (relative to the workspace root), else the target folder.
pub fn screenshots_dir() -> PathBuf {
    match std::env::var_os("SCREENSHOTS_DIR") {
        Some(dir) => workspace_root().join(dir),
        None => Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots"),
    }
}

/// Why the browser tests cannot run here, if they cannot.
fn missing_prerequisite() -> Option<String> {
    for (binary, package) in [
        (chromium(), "chromium"),
        (chromedriver(), "chromium-driver"),
    ] {
        if !binary.is_file() {
            return Some(format!(
                "{} not found: install Debian's chromium and chromium-driver \
                 (`apt-get install chromium chromium-driver`, which scripts/test.sh does), \
                 or point ${} at it",
                binary.display(),
                if package == "chromium" {
                    "CHROMIUM"
                } else {
                    "CHROMEDRIVER"
                }
            ));
        }
    }
    let index = client_dir().join("index.html");
    if !index.is_file() {
        return Some(format!(
            "{} is missing: build the browser client with scripts/build-frontend.sh",
            index.display()
        ));
    }
    None
}

/// Runs `scenario` against a fresh server (configured by `configure` on top of the API tests' settings)
/// in a fresh browser. Without Chromium, chromedriver or the built client the test is skipped, unless
/// `CI=true`, where it fails. On failure a screenshot of the page is saved as `failure-<test>.png`.
pub async fn run<F, Fut>(configure: impl FnOnce(&mut HashMap<String, String>), scenario: F)
where
    F: FnOnce(Page) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    if let Some(why) = missing_prerequisite() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("the browser tests cannot run: {why}");
        }
        eprintln!("skipping: {why}");
        return;
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("e2e")
        .rsplit("::")
        .next()
        .unwrap_or("e2e")
        .to_owned();
    let _turn = BROWSERS
        .acquire()
        .await
        .expect("the semaphore is never closed");

    let app = helpers::spawn_app_with(|vars| {
        vars.insert("CLIENT_DIR".to_owned(), client_dir().display().to_string());
        configure(vars);
    })
    .await;
    drive(Arc::new(app), &test, scenario).await;
}

/// Runs `scenario` in a browser of its own (its own chromedriver, a fresh profile) against `app`, then
/// closes that browser whatever happened; a failure saves `failure-<name>.png` and fails the caller.
async fn drive<F, Fut>(app: Arc<TestApp>, name: &str, scenario: F)
where
    F: FnOnce(Page) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let driver = Driver::start().await;
    let client = driver.new_session().await;
    let page = Page {
        client: client.clone(),
        app,
    };
    page.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": WATCHERS }),
    )
    .await;

    let outcome = tokio::spawn({
        let page = page.clone();
        async move {
            scenario(page.clone()).await;
            page.assert_no_page_errors().await;
        }
    })
    .await;
    if outcome.is_err() {
        let path = screenshots_dir().join(format!("failure-{name}.png"));
        if page.save_screenshot_to(&path).await.is_ok() {
            eprintln!("screenshot of the failing page: {}", path.display());
        }
    }
    let _ = client.close().await;
    drop(driver);
    if let Err(error) = outcome {
        match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => panic!("the scenario did not finish: {error}"),
        }
    }
}

/// A chromedriver process on a free port, killed when dropped.
struct Driver {
    process: Child,
    url: String,
    profile: TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Driver {
    async fn start() -> Self {
        let port = helpers::free_port();
        let process = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", chromedriver().display()));
        let driver = Self {
            process,
            url: format!("http://127.0.0.1:{port}"),
            profile: tempfile::tempdir().unwrap(),
        };
        let http = reqwest::Client::new();
        let status = format!("{}/status", driver.url);
        let ready = poll_until(DEADLINE, || async {
            let response = http.get(&status).send().await.ok()?;
            let body: Value = response.json().await.ok()?;
            (body["value"]["ready"] == true).then_some(())
        })
        .await;
        assert!(
            ready.is_some(),
            "chromedriver did not get ready on port {port} within {DEADLINE:?}"
        );
        driver
    }

    async fn new_session(&self) -> Client {
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| (*f).to_owned()).collect();
        args.push(format!("--user-data-dir={}", self.profile.path().display()));
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium().display().to_string(),
                "args": args,
            },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("opening a Chromium session through chromedriver: {e}"))
    }
}

/// chromedriver's door to the Chrome DevTools Protocol.
#[derive(Debug)]
struct CdpCommand {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for CdpCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// The browser and the server of one test.
#[derive(Clone)]
pub struct Page {
    pub client: Client,
    pub app: Arc<TestApp>,
}

/// `[data-testid="…"]`.
pub fn by_testid(testid: &str) -> String {
    format!(r#"[data-testid="{testid}"]"#)
}

impl Page {
    pub async fn cdp(&self, cmd: &'static str, params: Value) -> Value {
        self.client
            .issue_cmd(CdpCommand { cmd, params })
            .await
            .unwrap_or_else(|e| panic!("CDP {cmd}: {e}"))
    }

    /// Opens another browser window of the same session (same profile, same cookies: another tab of
    /// the portal, as far as the server can tell) and makes it the current one. Its documents are
    /// watched like the first window's.
    pub async fn open_window(&self) -> WindowHandle {
        let window = self
            .client
            .new_window(false)
            .await
            .expect("opening a second window")
            .handle;
        self.switch_to(&window).await;
        self.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": WATCHERS }),
        )
        .await;
        window
    }

    /// Runs `scenario` in another browser on the same server, as on another device: its own
    /// chromedriver and a fresh profile, so no cookie and no storage of this one. It is closed when
    /// `scenario` ends; a failure there saves `failure-<name>.png` and fails the test. (It does not wait
    /// for a turn among the test browsers: one test holding a turn must not wait for another.)
    pub async fn in_another_browser<F, Fut>(&self, name: &str, scenario: F)
    where
        F: FnOnce(Page) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        drive(self.app.clone(), name, scenario).await;
    }

    /// The window this handle names becomes the one commands (and CDP) go to.
    pub async fn switch_to(&self, window: &WindowHandle) {
        self.client
            .switch_to_window(window.clone())
            .await
            .expect("switching windows");
    }

    /// The current window.
    pub async fn window(&self) -> WindowHandle {
        self.client
            .window()
            .await
            .expect("reading the window handle")
    }

    /// Every request of the current window takes at least `latency` to be answered (DevTools network
    /// emulation), which keeps a request in flight long enough for another one to overlap it.
    pub async fn slow_network(&self, latency: Duration) {
        self.cdp("Network.enable", json!({})).await;
        self.cdp(
            "Network.emulateNetworkConditions",
            json!({
                "offline": false,
                "latency": latency.as_millis(),
                "downloadThroughput": -1,
                "uploadThroughput": -1,
            }),
        )
        .await;
    }

    /// Runs `script` (a function body; `arguments[i]` are `args`) in the page.
    pub async fn eval(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("running a script in the page: {e}\n{script}"))
    }

    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.path().to_owned())
            .unwrap_or_default()
    }

    /// What the page shows, for failure messages.
    async fn describe(&self) -> String {
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let text = self
            .client
            .execute(
                "return document.body ? document.body.innerText : ''",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        format!("page {url} shows:\n{text}")
    }

    /// Polls `probe` until it yields something, failing with `what` and the page's text after `DEADLINE`.
    pub async fn wait_for<T, F, Fut>(&self, what: &str, probe: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        match poll_until(DEADLINE, probe).await {
            Some(found) => found,
            None => panic!("waited {DEADLINE:?} for {what}; {}", self.describe().await),
        }
    }

    /// Opens `path` of the server in a new document and waits until the client has started.
    pub async fn goto(&self, path: &str) {
        self.assert_no_page_errors().await;
        self.client
            .goto(&self.app.url(path))
            .await
            .unwrap_or_else(|e| panic!("opening {path}: {e}"));
        self.wait_for_client(path).await;
    }

    /// Reloads the document and waits until the client has started again.
    pub async fn reload(&self) {
        self.assert_no_page_errors().await;
        self.client.refresh().await.expect("reloading the page");
        self.wait_for_client("the reloaded page").await;
    }

    async fn wait_for_client(&self, what: &str) {
        self.wait_for(&format!("the client to start on {what}"), || async {
            let started = self
                .client
                .execute(
                    "return Array.isArray(window.__cspViolations) \
                     && !document.getElementById('boot') && !!document.getElementById('main')",
                    vec![],
                )
                .await
                .ok()?;
            (started == true).then_some(())
        })
        .await;
    }

    /// Fails if the current document broke its Content-Security-Policy or threw an uncaught error.
    pub async fn assert_no_page_errors(&self) {
        let found = self
            .client
            .execute(
                "return [window.__cspViolations || [], window.__pageErrors || []]",
                vec![],
            )
            .await;
        // No document yet (a fresh session) or the browser is gone: nothing to report from here.
        let Ok(found) = found else { return };
        assert_eq!(
            found[0],
            json!([]),
            "Content-Security-Policy violations on {}",
            self.path().await
        );
        assert_eq!(
            found[1],
            json!([]),
            "uncaught errors on {}",
            self.path().await
        );
    }

    /// Waits until the address bar shows `path`.
    pub async fn wait_for_path(&self, path: &str) {
        self.wait_for(&format!("the page to move to {path}"), || async {
            (self.path().await == path).then_some(())
        })
        .await;
    }

    /// The element with this `data-testid`, waiting for it to appear.
    pub async fn find(&self, testid: &str) -> Element {
        let css = by_testid(testid);
        self.wait_for(&format!("[data-testid={testid}] to appear"), || async {
            self.client.find(Locator::Css(&css)).await.ok()
        })
        .await
    }

    /// Whether an element with this `data-testid` is on the page right now.
    pub async fn exists(&self, testid: &str) -> bool {
        self.client
            .find_all(Locator::Css(&by_testid(testid)))
            .await
            .map(|found| !found.is_empty())
            .unwrap_or(false)
    }

    /// Waits until no element with this `data-testid` is on the page.
    pub async fn wait_for_absence(&self, testid: &str) {
        self.wait_for(&format!("[data-testid={testid}] to go away"), || async {
            (!self.exists(testid).await).then_some(())
        })
        .await;
    }

    pub async fn count(&self, testid: &str) -> usize {
        self.client
            .find_all(Locator::Css(&by_testid(testid)))
            .await
            .map(|found| found.len())
            .unwrap_or(0)
    }

    pub async fn text(&self, testid: &str) -> String {
        self.find(testid)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("reading the text of {testid}: {e}"))
    }

    /// Waits until the element's text satisfies `wanted` (described by `what`), and returns it.
    pub async fn wait_for_text(
        &self,
        testid: &str,
        what: &str,
        wanted: impl Fn(&str) -> bool,
    ) -> String {
        let css = by_testid(testid);
        self.wait_for(&format!("[data-testid={testid}] to {what}"), || async {
            let element = self.client.find(Locator::Css(&css)).await.ok()?;
            let text = element.text().await.ok()?;
            wanted(&text).then_some(text)
        })
        .await
    }

    pub async fn attr(&self, testid: &str, name: &str) -> Option<String> {
        self.find(testid)
            .await
            .attr(name)
            .await
            .unwrap_or_else(|e| panic!("reading {name} of {testid}: {e}"))
    }

    pub async fn is_enabled(&self, testid: &str) -> bool {
        self.find(testid)
            .await
            .is_enabled()
            .await
            .unwrap_or_else(|e| panic!("reading whether {testid} is enabled: {e}"))
    }

    /// Waits until the element is enabled (or not).
    pub async fn wait_until_enabled(&self, testid: &str, enabled: bool) {
        let css = by_testid(testid);
        let what = if enabled { "enabled" } else { "disabled" };
        self.wait_for(&format!("[data-testid={testid}] to be {what}"), || async {
            let element = self.client.find(Locator::Css(&css)).await.ok()?;
            (element.is_enabled().await.ok()? == enabled).then_some(())
        })
        .await;
    }

    /// Clicks the element once it is enabled.
    pub async fn click(&self, testid: &str) {
        self.wait_until_enabled(testid, true).await;
        self.find(testid)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {testid}: {e}"));
    }

    /// Replaces what the field holds with `text`, by keystrokes (select all, delete, type): WebDriver's
    /// "clear" fires no `input` event, so a controlled field would put its old value back.
    pub async fn fill(&self, testid: &str, text: &str) {
        let field = self.find(testid).await;
        let select_all_and_delete = format!(
            "{}a{}{}",
            char::from(Key::Control),
            char::from(Key::Null),
            char::from(Key::Backspace)
        );
        field
            .send_keys(&select_all_and_delete)
            .await
            .unwrap_or_else(|e| panic!("emptying {testid}: {e}"));
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("typing into {testid}: {e}"));
        self.wait_for(
            &format!("[data-testid={testid}] to hold what was typed"),
            || async { (field.prop("value").await.ok()?.as_deref() == Some(text)).then_some(()) },
        )
        .await;
    }

    /// Sends keystrokes to whatever has the focus, as a person at the keyboard would.
    pub async fn keys(&self, keys: &str) {
        self.client
            .active_element()
            .await
            .expect("the page has an active element")
            .send_keys(keys)
            .await
            .unwrap_or_else(|e| panic!("pressing {keys:?}: {e}"));
    }

    pub async fn press(&self, key: Key) {
        self.keys(&char::from(key).to_string()).await;
    }

    /// The `data-testid` of the focused element (its tag name when it has none).
    pub async fn focused(&self) -> String {
        let value = self
            .eval(
                "const e = document.activeElement; \
                 return e ? (e.dataset.testid || e.tagName.toLowerCase()) : ''",
                vec![],
            )
            .await;
        value.as_str().unwrap_or_default().to_owned()
    }

    /// Waits until the element with this `data-testid` has the focus.
    pub async fn wait_for_focus(&self, testid: &str) {
        self.wait_for(
            &format!("[data-testid={testid}] to have the focus"),
            || async { (self.focused().await == testid).then_some(()) },
        )
        .await;
    }

    /// The six code boxes' contents, concatenated.
    pub async fn code_boxes(&self) -> String {
        let value = self
            .eval(
                "return Array.from({length: 6}, (_, i) => \
                 document.querySelector(`[data-testid=\"code-digit-${i}\"]`)?.value ?? '?').join('')",
                vec![],
            )
            .await;
        value.as_str().unwrap_or_default().to_owned()
    }

    pub async fn wait_for_code_boxes(&self, expected: &str) {
        self.wait_for(&format!("the code boxes to read {expected:?}"), || async {
            (self.code_boxes().await == expected).then_some(())
        })
        .await;
    }

    /// Types the code one digit at a time into the focused box, starting in the first one, the way a
    /// person does: each digit must move the focus on to the next box by itself.
    pub async fn type_code(&self, code: &str) {
        self.click("code-digit-0").await;
        self.wait_for_focus("code-digit-0").await;
        for (i, digit) in code.chars().enumerate() {
            self.wait_for_focus(&format!("code-digit-{i}")).await;
            self.keys(&digit.to_string()).await;
        }
        self.wait_for_code_boxes(code).await;
    }

    /// Pastes `text` into the first code box: a `paste` event carrying it, as the browser fires for Ctrl+V.
    pub async fn paste_code(&self, text: &str) {
        self.click("code-digit-0").await;
        self.eval(
            r#"const box = document.querySelector('[data-testid="code-digit-0"]');
               box.focus();
               const data = new DataTransfer();
               data.setData("text/plain", arguments[0]);
               box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));"#,
            vec![json!(text)],
        )
        .await;
    }

    /// Emulates a screen of this size (CSS pixels, device scale 1), and waits for the page to lay out.
    pub async fn set_viewport(&self, viewport: Viewport) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({
                "width": viewport.width,
                "height": viewport.height,
                "deviceScaleFactor": 1,
                "mobile": viewport.mobile,
            }),
        )
        .await;
        self.wait_for(
            &format!("the viewport to be {} px wide", viewport.width),
            || async {
                let width = self.eval("return window.innerWidth", vec![]).await;
                (width == viewport.width).then_some(())
            },
        )
        .await;
        self.settle().await;
    }

    /// Waits for two animation frames: whatever changed has been laid out and painted.
    pub async fn settle(&self) {
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await
            .expect("waiting for animation frames");
    }

    /// Fails if the page scrolls sideways.
    pub async fn assert_no_horizontal_scroll(&self, what: &str) {
        let sizes = self
            .eval(
                "return [document.documentElement.scrollWidth, window.innerWidth, \
                 Array.from(document.querySelectorAll('body *')) \
                   .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5) \
                   .slice(0, 5) \
                   .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + \
                        (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''))]",
                vec![],
            )
            .await;
        let (scroll_width, inner_width) = (sizes[0].as_f64().unwrap(), sizes[1].as_f64().unwrap());
        assert!(
            scroll_width <= inner_width,
            "{what} scrolls sideways at {inner_width} px: its content is {scroll_width} px wide \
             (sticking out: {})",
            sizes[2]
        );
    }

    /// Checks the page at desktop and at phone width (no sideways scrolling, no Content-Security-Policy
    /// violation or uncaught error) and photographs it as `<name>-desktop.png` and `<name>-phone.png`;
    /// leaves it at desktop width.
    pub async fn check_and_photograph(&self, name: &str) {
        for viewport in [DESKTOP, PHONE] {
            self.set_viewport(viewport).await;
            self.assert_no_horizontal_scroll(&format!("the {name} page ({})", viewport.name))
                .await;
            self.assert_no_page_errors().await;
            self.screenshot(&format!("{name}-{}", viewport.name)).await;
        }
        self.set_viewport(DESKTOP).await;
    }

    /// Saves a PNG of the viewport as `<screenshots dir>/<name>.png`.
    pub async fn screenshot(&self, name: &str) {
        let path = screenshots_dir().join(format!("{name}.png"));
        self.save_screenshot_to(&path)
            .await
            .unwrap_or_else(|e| panic!("saving {}: {e}", path.display()));
    }

    async fn save_screenshot_to(&self, path: &Path) -> Result<(), String> {
        let png = self
            .client
            .screenshot()
            .await
            .map_err(|e: CmdError| e.to_string())?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::write(path, png).map_err(|e| e.to_string())
    }

    // -----------------------------------------------------------------------------------------------------
    // Steps many scenarios share
    // -----------------------------------------------------------------------------------------------------

    /// The code of the first verification mail to `email`, waiting for it to arrive.
    pub async fn verification_code(&self, email: &str) -> String {
        self.app
            .smtp
            .wait_for_mail(email, VERIFY_EMAIL)
            .await
            .code()
    }

    /// The link of the first verification mail to `email`, as a path of the test server (whose public
    /// URL names port 0): `/verify#email=…&code=…&link=…`, the address, code and link token in the
    /// fragment and the query empty. Also returns the mail's code.
    pub async fn mailed_verify_link(&self, email: &str) -> (String, String) {
        self.nth_mailed_verify_link(email, 1).await
    }

    /// [`Page::mailed_verify_link`] of the `n`-th (1-based) verification mail to `email`.
    pub async fn nth_mailed_verify_link(&self, email: &str, n: usize) -> (String, String) {
        let mail = self
            .app
            .smtp
            .wait_for_nth_mail(email, VERIFY_EMAIL, n)
            .await;
        let code = mail.code();
        let link = mail
            .links()
            .into_iter()
            .find(|l| l.contains("/verify"))
            .unwrap_or_else(|| panic!("no link to the verify page in:\n{}", mail.text));
        let url = url::Url::parse(&link).unwrap_or_else(|e| panic!("{link}: {e}"));
        assert_eq!(url.path(), "/verify", "{link}");
        assert_eq!(
            url.query(),
            None,
            "the link {link} puts something in its query"
        );
        let fragment: HashMap<String, String> = url::form_urlencoded::parse(
            url.fragment()
                .unwrap_or_else(|| panic!("the link {link} has no fragment"))
                .as_bytes(),
        )
        .into_owned()
        .collect();
        assert_eq!(
            fragment.get("email").map(String::as_str),
            Some(email),
            "{link}"
        );
        assert_eq!(fragment.get("code"), Some(&code), "{link}");
        assert!(
            fragment.get("link").is_some_and(|token| token.len() == 22),
            "the link {link} carries no 128-bit link token"
        );
        let path = format!("/verify#{}", url.fragment().unwrap_or_default());
        (path, code)
    }

    /// Fills in and sends the registration form; waits for the verify page.
    pub async fn register(&self, username: &str, email: &str, password: &str) {
        self.goto("/register").await;
        self.fill("register-username", username).await;
        self.fill("register-email", email).await;
        self.fill("register-password", password).await;
        self.click("register-submit").await;
        self.wait_for_path("/verify").await;
        self.wait_for_text("verify-email-address", &format!("show {email}"), |t| {
            t == email
        })
        .await;
    }

    /// Registers, types the mailed code and confirms; waits for the dashboard of the new account.
    pub async fn register_and_verify(&self, username: &str, email: &str, password: &str) {
        self.register(username, email, password).await;
        let code = self.verification_code(email).await;
        self.type_code(&code).await;
        self.click("verify-submit").await;
        self.expect_dashboard(username, email).await;
    }

    /// Signs in through the login form; waits for the dashboard.
    pub async fn log_in(&self, login: &str, password: &str) {
        if self.path().await != "/login" {
            self.goto("/login").await;
        }
        self.fill("login-login", login).await;
        self.fill("login-password", password).await;
        self.click("login-submit").await;
        self.wait_for_path("/dashboard").await;
    }

    /// Waits for the dashboard of this account.
    pub async fn expect_dashboard(&self, username: &str, email: &str) {
        self.wait_for_path("/dashboard").await;
        self.wait_for_text("dashboard-username", &format!("read {username}"), |t| {
            t == username
        })
        .await;
        assert_eq!(self.text("dashboard-email").await, email);
    }
}
