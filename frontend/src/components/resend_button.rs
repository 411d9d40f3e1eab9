//! "Send a new code", with its own countdown until the server allows another one. While it waits it stays
//! focusable and in the tab order (`aria-disabled`, not `disabled`, so keyboard and screen-reader users
//! can find it and hear why it waits; a click then does nothing), and a polite live region says when it
//! can be used.

use yew::prelude::*;

use crate::countdown::format_mm_ss;
use crate::i18n::{use_lang, Words};

#[derive(Properties, PartialEq)]
pub struct ResendButtonProps {
    /// Seconds until another code may be asked for (0: now).
    pub wait: u64,
    pub busy: bool,
    pub onclick: Callback<()>,
}

#[function_component(ResendButton)]
pub fn resend_button(props: &ResendButtonProps) -> Html {
    let lang = use_lang();
    let waiting = props.wait > 0;
    let inert = waiting || props.busy;
    // Announced only when a wait ends on this page, not when the page opens with the button usable.
    let waited = use_mut_ref(|| false);
    let announcement = use_state_eq(String::new);
    {
        let (waited, announcement) = (waited.clone(), announcement.clone());
        use_effect_with(waiting, move |waiting| {
            if *waiting {
                *waited.borrow_mut() = true;
                announcement.set(String::new());
            } else if waited.replace(false) {
                announcement.set(lang.t("resend-ready"));
            }
        });
    }
    let onclick = {
        let onclick = props.onclick.clone();
        Callback::from(move |_: MouseEvent| {
            if !inert {
                onclick.emit(());
            }
        })
    };
    html! {
        <>
            <button type="button" class="button button-secondary" id="resend-button" data-testid="resend-button"
                    aria-disabled={inert.then_some("true")} aria-describedby={waiting.then_some("resend-countdown")}
                    {onclick}>
                if props.busy {
                    { lang.t("resend-sending") }
                } else {
                    { lang.t("resend-button") }
                }
                if waiting {
                    <span class="button-timer" id="resend-countdown" data-testid="resend-countdown"
                          data-remaining={props.wait.to_string()}>
                        <span class="visually-hidden">{ " " }{ lang.t("resend-available-in") }{ " " }</span>
                        { format!(" ({})", format_mm_ss(props.wait)) }
                    </span>
                }
            </button>
            <span class="visually-hidden" id="resend-status" data-testid="resend-status" role="status"
                  aria-live="polite" aria-atomic="true">
                { (*announcement).clone() }
            </span>
        </>
    }
}
