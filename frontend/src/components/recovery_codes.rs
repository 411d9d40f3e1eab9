//! The ten recovery codes, shown once, with the ways to keep them: the clipboard, a text file and paper.
//! The file's content is `crate::factor`'s; this only hands it to the browser.

use chrono::Utc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::download;
use crate::factor::{recovery_codes_file_name, recovery_codes_text};
use crate::i18n::{self, use_lang, Words};

#[derive(Properties, PartialEq)]
pub struct RecoveryCodesProps {
    pub codes: Vec<String>,
    /// The username, named in the file and on paper.
    pub account: AttrValue,
    /// "I have saved them": the codes go away for good.
    pub on_done: Callback<()>,
}

/// `navigator.clipboard.writeText`, when this browser offers it here (it needs a secure origin).
async fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    // Absent on insecure origins; calling it there would throw.
    let present = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .is_ok_and(|clipboard| !clipboard.is_undefined() && !clipboard.is_null());
    if !present {
        return false;
    }
    JsFuture::from(navigator.clipboard().write_text(text))
        .await
        .is_ok()
}

#[function_component(RecoveryCodes)]
pub fn recovery_codes(props: &RecoveryCodesProps) -> Html {
    let lang = use_lang();
    // What the person is told after Copy or Download; read out by screen readers.
    let status = use_state(|| None::<String>);
    let heading_ref = use_node_ref();
    {
        // The codes just appeared in place of a form: the reading position moves to them.
        let heading_ref = heading_ref.clone();
        use_effect_with((), move |_| {
            if let Some(heading) = heading_ref.cast::<HtmlElement>() {
                let _ = heading.focus();
            }
        });
    }
    let created = use_memo((), |_| Utc::now());
    let text = recovery_codes_text(lang, &props.account, *created, &props.codes);

    let on_copy = {
        let (status, text) = (status.clone(), text.clone());
        Callback::from(move |_: MouseEvent| {
            let (status, text) = (status.clone(), text.clone());
            spawn_local(async move {
                status.set(Some(lang.t(if copy_to_clipboard(&text).await {
                    "recovery-codes-copied"
                } else {
                    "recovery-codes-copy-refused"
                })));
            });
        })
    };
    let on_download = {
        let (status, text) = (status.clone(), text.clone());
        let name = recovery_codes_file_name(&props.account);
        Callback::from(move |_: MouseEvent| {
            status.set(Some(
                match download::save(&name, "text/plain;charset=utf-8", &text) {
                    Ok(()) => lang.tf("recovery-codes-saved", &[("name", (&name).into())]),
                    Err(_) => lang.t("recovery-codes-save-refused"),
                },
            ));
        })
    };
    let on_print = Callback::from(|_: MouseEvent| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    });
    let on_done = props.on_done.reform(|_: MouseEvent| ());

    html! {
        <section class="recovery-codes-panel" id="recovery-codes-panel" data-testid="recovery-codes-panel"
                 aria-labelledby="recovery-codes-heading">
            <h2 id="recovery-codes-heading" tabindex="-1" ref={heading_ref}>{ lang.t("recovery-codes-heading") }</h2>
            <p class="print-only">{ lang.tf("recovery-codes-print-heading", &[("account", props.account.as_str().into())]) }</p>
            <p class="warning">
                <strong>{ lang.t("recovery-codes-warning") }</strong>
                { " " }{ lang.t("recovery-codes-explanation") }
            </p>
            <ol class="recovery-codes" id="recovery-codes" data-testid="recovery-codes">
                { for props.codes.iter().map(|code| html! {
                    <li><code data-testid="recovery-code">{ code.clone() }</code></li>
                }) }
            </ol>
            <div class="actions no-print">
                <button type="button" class="button button-secondary" id="recovery-codes-copy"
                        data-testid="recovery-codes-copy" onclick={on_copy}>{ lang.t("recovery-codes-copy") }</button>
                <button type="button" class="button button-secondary" id="recovery-codes-download"
                        data-testid="recovery-codes-download" onclick={on_download}>{ lang.t("recovery-codes-download") }</button>
                <button type="button" class="button button-secondary" id="recovery-codes-print"
                        data-testid="recovery-codes-print" onclick={on_print}>{ lang.t("recovery-codes-print") }</button>
            </div>
            <p class="hint no-print" id="recovery-codes-status" data-testid="recovery-codes-status"
               role="status" aria-live="polite">
                { status.as_deref().map(|s| i18n::in_language(s, lang)).unwrap_or_default() }
            </p>
            <div class="actions no-print">
                <button type="button" class="button button-primary" id="recovery-codes-done"
                        data-testid="recovery-codes-done" onclick={on_done}>
                    { lang.t("recovery-codes-done") }
                </button>
            </div>
        </section>
    }
}
