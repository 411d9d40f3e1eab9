//! Files the page hands to the person's disk without a second trip to the server: text made here, saved
//! through a Blob URL and a link clicked once (the recovery codes, the account's own data).

use gloo_timers::callback::Timeout;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// How long a downloaded file's Blob URL stays valid: the download has long started by then.
const BLOB_URL_LIFETIME_MS: u32 = 60_000;

/// `otp-portal-export-alice.json`: the account in the name, and nothing a file system dislikes. Without
/// a usable account name, `{stem}.{extension}`.
pub fn file_name(stem: &str, account: &str, extension: &str) -> String {
    let safe: String = account
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .collect();
    let safe = safe.trim_matches('.');
    if safe.is_empty() {
        format!("{stem}.{extension}")
    } else {
        format!("{stem}-{safe}.{extension}")
    }
}

/// Saves `text` as the file `name` of type `mime`.
pub fn save(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let link: HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(name);
    link.set_hidden(true);
    let body = document
        .body()
        .ok_or_else(|| JsValue::from_str("no body"))?;
    body.append_child(&link)?;
    link.click();
    link.remove();
    Timeout::new(BLOB_URL_LIFETIME_MS, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_carries_the_account_and_is_safe_for_any_file_system() {
        assert_eq!(
            file_name("otp-portal-export", "alice", "json"),
            "otp-portal-export-alice.json"
        );
        assert_eq!(
            file_name("otp-portal-export", "a.b_c-d", "json"),
            "otp-portal-export-a.b_c-d.json"
        );
        assert_eq!(
            file_name("otp-portal-export", "../x/y", "json"),
            "otp-portal-export-xy.json"
        );
        assert_eq!(
            file_name("otp-portal-export", "..", "json"),
            "otp-portal-export.json"
        );
        assert_eq!(file_name("codes", "", "txt"), "codes.txt");
    }
}
