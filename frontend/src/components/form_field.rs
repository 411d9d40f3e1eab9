//! A labelled input with its hint and its error right below it, tied together for screen readers.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::{in_language, use_lang, Words};

#[derive(Properties, PartialEq)]
pub struct FormFieldProps {
    /// The input's id, also its `name` and `data-testid`; the error's is `{id}-error`.
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub oninput: Callback<String>,
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    #[prop_or_default]
    pub onblur: Callback<()>,
    #[prop_or_default]
    pub error: Option<String>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub inputmode: Option<AttrValue>,
    /// Put the caret here when the field first appears.
    #[prop_or_default]
    pub autofocus: bool,
    #[prop_or_default]
    pub node_ref: NodeRef,
}

#[function_component(FormField)]
pub fn form_field(props: &FormFieldProps) -> Html {
    let lang = use_lang();
    let revealed = use_state(|| false);
    {
        let node_ref = props.node_ref.clone();
        use_effect_with(props.autofocus, move |autofocus| {
            if *autofocus {
                if let Some(input) = node_ref.cast::<HtmlInputElement>() {
                    let _ = input.focus();
                }
            }
        });
    }
    let oninput = props
        .oninput
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    // A field left empty is judged on submit, not on blur: tabbing or clicking past it must not raise
    // an error that shifts the page under the pointer.
    let onblur = {
        let onblur = props.onblur.clone();
        Callback::from(move |e: FocusEvent| {
            if !e
                .target_unchecked_into::<HtmlInputElement>()
                .value()
                .is_empty()
            {
                onblur.emit(());
            }
        })
    };
    let id = &props.id;
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let describedby = match &props.hint {
        Some(_) => format!("{hint_id} {error_id}"),
        None => error_id.clone(),
    };
    let is_password = props.kind == "password";
    let kind = if is_password && *revealed {
        AttrValue::Static("text")
    } else {
        props.kind.clone()
    };
    let toggle = {
        let revealed = revealed.clone();
        Callback::from(move |_: MouseEvent| revealed.set(!*revealed))
    };
    html! {
        <div class={classes!("field", props.error.is_some().then_some("field-invalid"))}>
            <label for={id.clone()}>{ props.label.clone() }</label>
            <div class="input-row">
                <input id={id.clone()} name={id.clone()} data-testid={id.clone()} type={kind}
                       value={props.value.clone()} ref={props.node_ref.clone()}
                       autocomplete={props.autocomplete.clone()} inputmode={props.inputmode.clone()}
                       spellcheck="false" autocapitalize="none"
                       aria-invalid={if props.error.is_some() { "true" } else { "false" }}
                       aria-describedby={describedby} {oninput} {onblur} />
                if is_password {
                    <button type="button" class="reveal" aria-controls={id.clone()}
                            aria-pressed={if *revealed { "true" } else { "false" }}
                            data-testid={format!("{id}-reveal")} onclick={toggle}>
                        { lang.t(if *revealed { "form-field-hide" } else { "form-field-show" }) }
                        <span class="visually-hidden">{ " " }{ lang.t("form-field-password") }</span>
                    </button>
                }
            </div>
            if let Some(hint) = props.hint.clone() {
                <p class="hint" id={hint_id}>{ hint }</p>
            }
            <p class="field-error" id={error_id.clone()} data-testid={error_id} aria-live="polite">
                { props.error.as_deref().map(|e| in_language(e, lang)).unwrap_or_default() }
            </p>
        </div>
    }
}
