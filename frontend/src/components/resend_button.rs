//! "Send a new code", disabled with its own countdown until the server allows another one.

use yew::prelude::*;

use crate::countdown::format_mm_ss;

#[derive(Properties, PartialEq)]
pub struct ResendButtonProps {
    /// Seconds until another code may be asked for (0: now).
    pub wait: u64,
    pub busy: bool,
    pub onclick: Callback<()>,
}

#[function_component(ResendButton)]
pub fn resend_button(props: &ResendButtonProps) -> Html {
    let onclick = props.onclick.reform(|_: MouseEvent| ());
    let waiting = props.wait > 0;
    html! {
        <button type="button" class="button button-secondary" id="resend-button" data-testid="resend-button"
                disabled={waiting || props.busy} aria-describedby={waiting.then_some("resend-countdown")}
                {onclick}>
            if props.busy {
                { "Sending…" }
            } else {
                { "Send a new code" }
            }
            if waiting {
                <span class="button-timer" id="resend-countdown" data-testid="resend-countdown"
                      data-remaining={props.wait.to_string()}>
                    <span class="visually-hidden">{ " available in " }</span>
                    { format!(" ({})", format_mm_ss(props.wait)) }
                </span>
            }
        </button>
    }
}
