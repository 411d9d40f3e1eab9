//! A visible `mm:ss` timer with a separate, quieter announcement for screen readers.

use yew::prelude::*;

use crate::countdown::{format_mm_ss, spoken, worth_announcing};

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
    let announced = use_state_eq(|| format!("{} {}", props.label, spoken(props.remaining)));
    {
        let announced = announced.clone();
        let label = props.label.clone();
        use_effect_with(props.remaining, move |remaining| {
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
