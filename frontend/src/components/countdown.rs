//! A visible `mm:ss` timer with a separate, quieter announcement for screen readers.

use yew::prelude::*;

use crate::countdown::{format_mm_ss, worth_announcing};
use crate::i18n::{use_lang, Words};

#[derive(Properties, PartialEq)]
pub struct CountdownProps {
    /// Seconds left, from `use_countdown`.
    pub remaining: u64,
    /// Words before the time: "Code expires in".
    pub label: AttrValue,
    pub testid: AttrValue,
}

#[function_component(Countdown)]
pub fn countdown(props: &CountdownProps) -> Html {
    let lang = use_lang();
    let spoken = move |seconds: u64| lang.duration(seconds);
    let announced = use_state_eq(|| format!("{} {}", props.label, spoken(props.remaining)));
    {
        let announced = announced.clone();
        let label = props.label.clone();
        // Keyed by the label too: a switch of language re-announces in the new one at the next moment.
        use_effect_with((props.remaining, label), move |(remaining, label)| {
            if worth_announcing(*remaining) {
                announced.set(format!("{label} {}", spoken(*remaining)));
            }
        });
    }
    html! {
        <p class="countdown">
            <span aria-hidden="true">{ props.label.clone() }{ " " }</span>
            <time role="timer" aria-hidden="true" id={props.testid.clone()} data-testid={props.testid.clone()}
                  data-remaining={props.remaining.to_string()}
                  datetime={format!("PT{}S", props.remaining)}>
                { format_mm_ss(props.remaining) }
            </time>
            <span class="visually-hidden" aria-live="polite" aria-atomic="true">{ (*announced).clone() }</span>
        </p>
    }
}
