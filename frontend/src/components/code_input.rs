//! Six one-digit boxes for an e-mailed code. Typing moves along, Backspace moves back, the arrow keys
//! move freely, and a pasted or autofilled code fills every box. The rules live in `crate::code`.

use shared::domain::OTP_CODE_LEN;
use wasm_bindgen::JsCast;
use web_sys::{ClipboardEvent, HtmlInputElement};
use yew::prelude::*;

use crate::code::{backspace, paste, type_into, CodeBoxes};
use crate::i18n::{use_lang, Words};

#[derive(Properties, PartialEq)]
pub struct CodeInputProps {
    pub value: CodeBoxes,
    pub onchange: Callback<CodeBoxes>,
    #[prop_or_default]
    pub invalid: bool,
    #[prop_or_default]
    pub disabled: bool,
    /// Ids of the texts that describe the boxes (the error below them, say).
    #[prop_or_default]
    pub describedby: Option<AttrValue>,
    /// Focus the first empty box whenever this number changes (on mount too, when non-zero).
    #[prop_or_default]
    pub focus_request: u32,
}

fn focus(refs: &[NodeRef], index: usize) {
    if let Some(input) = refs.get(index).and_then(|r| r.cast::<HtmlInputElement>()) {
        let _ = input.focus();
        input.select();
    }
}

#[function_component(CodeInput)]
pub fn code_input(props: &CodeInputProps) -> Html {
    let lang = use_lang();
    // One NodeRef per box: `vec![NodeRef::default(); 6]` would clone a single shared ref six times.
    let refs = use_memo((), |_| {
        (0..OTP_CODE_LEN)
            .map(|_| NodeRef::default())
            .collect::<Vec<_>>()
    });
    {
        let refs = refs.clone();
        let value = props.value.clone();
        use_effect_with(props.focus_request, move |request| {
            if *request > 0 {
                let first_empty = value.iter().position(String::is_empty).unwrap_or(0);
                focus(&refs, first_empty);
            }
        });
    }
    let boxes = (0..OTP_CODE_LEN).map(|i| {
        let oninput = {
            let (refs, value, onchange) =
                (refs.clone(), props.value.clone(), props.onchange.clone());
            Callback::from(move |e: InputEvent| {
                let input = e.target_unchecked_into::<HtmlInputElement>();
                let (next, to) = type_into(&value, i, &input.value());
                // The box is controlled: put back what the rules kept (a refused letter disappears).
                input.set_value(&next[i]);
                onchange.emit(next);
                if to != i {
                    focus(&refs, to);
                }
            })
        };
        let onpaste = {
            let (refs, value, onchange) =
                (refs.clone(), props.value.clone(), props.onchange.clone());
            Callback::from(move |e: Event| {
                let text = e
                    .dyn_ref::<ClipboardEvent>()
                    .and_then(ClipboardEvent::clipboard_data)
                    .and_then(|data| data.get_data("text").ok())
                    .unwrap_or_default();
                e.prevent_default();
                let (next, to) = paste(&value, i, &text);
                onchange.emit(next);
                focus(&refs, to);
            })
        };
        let onkeydown = {
            let (refs, value, onchange) =
                (refs.clone(), props.value.clone(), props.onchange.clone());
            Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
                "Backspace" => {
                    e.prevent_default();
                    let (next, to) = backspace(&value, i);
                    onchange.emit(next);
                    focus(&refs, to);
                }
                "ArrowLeft" if i > 0 => {
                    e.prevent_default();
                    focus(&refs, i - 1);
                }
                "ArrowRight" if i + 1 < OTP_CODE_LEN => {
                    e.prevent_default();
                    focus(&refs, i + 1);
                }
                "Home" => {
                    e.prevent_default();
                    focus(&refs, 0);
                }
                "End" => {
                    e.prevent_default();
                    focus(&refs, OTP_CODE_LEN - 1);
                }
                _ => {}
            })
        };
        let onfocus = Callback::from(|e: FocusEvent| {
            e.target_unchecked_into::<HtmlInputElement>().select();
        });
        html! {
            <input id={format!("code-{i}")} data-testid={format!("code-digit-{i}")} class="code-box"
                   type="text" inputmode="numeric" pattern="[0-9]*"
                   autocomplete={if i == 0 { "one-time-code" } else { "off" }}
                   aria-label={lang.tf("code-input-digit", &[("digit", (i + 1).into()), ("digits", OTP_CODE_LEN.into())])}
                   aria-invalid={if props.invalid { "true" } else { "false" }}
                   aria-describedby={props.describedby.clone()}
                   disabled={props.disabled} value={props.value[i].clone()} ref={refs[i].clone()}
                   {oninput} {onpaste} {onkeydown} {onfocus} />
        }
    });
    html! {
        <fieldset class="code-input" data-testid="code-input">
            <legend>{ lang.t("code-input-legend") }</legend>
            <div class="code-boxes">{ for boxes }</div>
        </fieldset>
    }
}
