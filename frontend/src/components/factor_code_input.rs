//! The code of a second step: the app's six boxes, or, one click away, a text field for a recovery code.
//! The rules (what is sent, what switching keeps) live in `crate::factor`.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::CodeInput;
use crate::factor::{CodeKind, FactorEntry};
use crate::i18n::{in_language, use_lang, Words};

#[derive(Properties, PartialEq)]
pub struct FactorCodeInputProps {
    /// The recovery field is `{id}-recovery`, the switch `{id}-switch`, the message under both
    /// `{id}-error`.
    pub id: AttrValue,
    pub value: FactorEntry,
    pub onchange: Callback<FactorEntry>,
    #[prop_or_default]
    pub error: Option<String>,
    #[prop_or_default]
    pub disabled: bool,
    /// Put the caret in the input on show whenever this number changes (on mount too, when non-zero).
    #[prop_or_default]
    pub focus_request: u32,
}

#[function_component(FactorCodeInput)]
pub fn factor_code_input(props: &FactorCodeInputProps) -> Html {
    let lang = use_lang();
    // Bumped by the switch, so the input that just appeared takes the caret.
    let switches = use_state(|| 0_u32);
    let recovery_ref = use_node_ref();
    let focus_request = props.focus_request.wrapping_add(*switches);
    {
        let recovery_ref = recovery_ref.clone();
        let kind = props.value.kind;
        // Keyed by the kind too: the switch's two updates (the entry and the count) may render apart.
        use_effect_with((focus_request, kind), move |(request, kind)| {
            if *request > 0 && *kind == CodeKind::Recovery {
                if let Some(input) = recovery_ref.cast::<HtmlInputElement>() {
                    let _ = input.focus();
                    input.select();
                }
            }
        });
    }

    let id = &props.id;
    let error_id = format!("{id}-error");
    let recovery_id = format!("{id}-recovery");
    let hint_id = format!("{id}-recovery-hint");
    let invalid = props.error.is_some();

    let on_boxes = {
        let (value, onchange) = (props.value.clone(), props.onchange.clone());
        Callback::from(move |boxes| onchange.emit(value.with_boxes(boxes)))
    };
    let on_recovery = {
        let (value, onchange) = (props.value.clone(), props.onchange.clone());
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            onchange.emit(value.with_recovery(text));
        })
    };
    let on_switch = {
        let (value, onchange, switches) = (
            props.value.clone(),
            props.onchange.clone(),
            switches.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            onchange.emit(value.switched());
            switches.set(switches.wrapping_add(1));
        })
    };

    html! {
        <div class="factor-code" id={id.clone()} data-testid={id.clone()}
             data-kind={if props.value.kind == CodeKind::App { "app" } else { "recovery" }}>
            if props.value.kind == CodeKind::App {
                <CodeInput value={props.value.boxes.clone()} onchange={on_boxes} {invalid}
                           disabled={props.disabled} describedby={AttrValue::from(error_id.clone())}
                           {focus_request} />
            } else {
                <div class={classes!("field", invalid.then_some("field-invalid"))}>
                    <label for={recovery_id.clone()}>{ lang.t("factor-recovery-label") }</label>
                    <div class="input-row">
                        <input id={recovery_id.clone()} name={recovery_id.clone()} data-testid={recovery_id.clone()}
                               type="text" class="recovery-input" value={props.value.recovery.clone()}
                               ref={recovery_ref.clone()} autocomplete="off" spellcheck="false"
                               autocapitalize="none" disabled={props.disabled}
                               aria-invalid={if invalid { "true" } else { "false" }}
                               aria-describedby={format!("{hint_id} {error_id}")} oninput={on_recovery} />
                    </div>
                    <p class="hint" id={hint_id}>
                        { lang.t("factor-recovery-hint") }
                    </p>
                </div>
            }
            <p class="field-error" id={error_id.clone()} data-testid={error_id} aria-live="polite">
                { props.error.as_deref().map(|e| in_language(e, lang)).unwrap_or_default() }
            </p>
            <button type="button" class="link-button" id={format!("{id}-switch")}
                    data-testid={format!("{id}-switch")} disabled={props.disabled} onclick={on_switch}>
                { lang.t(if props.value.kind == CodeKind::App {
                    "factor-switch-to-recovery"
                } else {
                    "factor-switch-to-app"
                }) }
            </button>
        </div>
    }
}
