//! `/admin/codes`: what happened to e-mailed codes (sent, accepted, wrong, expired, replaced; never a
//! code), filtered by address and purpose. The filter and the page live in the URL.

use shared::admin::{CodeEntry, CodesQuery};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{filter_text, pager, refusal, AdminFrame, AdminGate};
use crate::api;
use crate::app::Route;
use crate::components::{Choice, ListFilter};
use crate::hooks::use_load;
use crate::i18n::{use_lang, Language, Words};
use crate::labels::{code_event_words, purpose_words, when, CODE_PURPOSES};
use crate::paging::Position;

#[function_component(AdminCodes)]
pub fn admin_codes() -> Html {
    html! { <AdminGate><CodesPage /></AdminGate> }
}

#[function_component(CodesPage)]
fn codes_page() -> Html {
    let lang = use_lang();
    let location = use_location();
    let navigator = use_navigator();
    let query = location
        .as_ref()
        .and_then(|l| l.query::<CodesQuery>().ok())
        .unwrap_or_default();
    let loaded = use_load(query.clone(), api::admin_codes);

    let on_apply = {
        let base = query.clone();
        Callback::from(move |(text, chosen): (String, Vec<String>)| {
            let next = CodesQuery {
                email: filter_text(&text),
                purpose: chosen.first().and_then(|purpose| filter_text(purpose)),
                page: None,
                // Whatever else the URL holds (the page size) stays.
                ..base.clone()
            };
            if let Some(navigator) = &navigator {
                let _ = navigator.push_with_query(&Route::AdminCodes, &next);
            }
        })
    };
    let mut purposes = CODE_PURPOSES
        .iter()
        .map(|value| {
            (
                AttrValue::from(*value),
                AttrValue::from(purpose_words(lang, value)),
            )
        })
        .collect::<Vec<_>>();
    // A purpose from a link this client has no words for still shows as chosen.
    if let Some(purpose) = &query.purpose {
        if !CODE_PURPOSES.contains(&purpose.as_str()) {
            purposes.push((purpose.clone().into(), purpose_words(lang, purpose).into()));
        }
    }
    let choices = vec![Choice {
        id: "admin-codes-purpose".into(),
        label: lang.t("admin-codes-purpose-label").into(),
        any: lang.t("admin-codes-purpose-any").into(),
        options: purposes,
        value: query.purpose.clone().unwrap_or_default().into(),
    }];

    let body = match (&loaded.data, &loaded.problem) {
        (_, Some(problem)) => refusal(lang, problem),
        (None, None) => {
            html! { <p class="hint" role="status">{ lang.t("admin-codes-loading") }</p> }
        }
        (Some(page), None) => {
            let at_page = |page| CodesQuery {
                page,
                ..query.clone()
            };
            html! {
                <>
                    if page.items.is_empty() {
                        <p class="empty" id="admin-codes-empty" data-testid="admin-codes-empty">{ lang.t("admin-codes-empty") }</p>
                    } else {
                        <div class="table-scroll">
                            <table class="data-table admin-codes" aria-busy={loaded.busy.to_string()}>
                                <caption class="visually-hidden">{ lang.t("admin-codes-caption") }</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{ lang.t("admin-codes-col-when") }</th>
                                        <th scope="col">{ lang.t("admin-codes-col-address") }</th>
                                        <th scope="col">{ lang.t("admin-codes-purpose-label") }</th>
                                        <th scope="col">{ lang.t("admin-codes-col-what") }</th>
                                        <th scope="col">{ lang.t("admin-codes-col-ip") }</th>
                                    </tr>
                                </thead>
                                <tbody>{ for page.items.iter().map(|code| code_row(lang, code)) }</tbody>
                            </table>
                        </div>
                    }
                    { pager(lang, Route::AdminCodes, Position::of(page), page.items.len(), at_page) }
                </>
            }
        }
    };

    html! {
        <AdminFrame title={lang.t("admin-codes-title")}>
            <ListFilter text_id="admin-codes-email" text_label={lang.t("admin-codes-col-address")}
                        text={query.email.clone().unwrap_or_default()} placeholder={lang.t("admin-codes-search-placeholder")}
                        {choices} {on_apply} />
            { body }
        </AdminFrame>
    }
}

fn code_row(lang: Language, code: &CodeEntry) -> Html {
    html! {
        <tr data-event={code.event.as_str()} data-purpose={code.purpose.clone()}>
            <td data-label={lang.t("admin-codes-col-when")} class="cell-main">
                <time datetime={code.at.to_rfc3339()}>{ when(code.at) }</time>
            </td>
            <td data-label={lang.t("admin-codes-col-address")} class="cell-wrap">{ code.email.clone() }</td>
            <td data-label={lang.t("admin-codes-purpose-label")}>{ purpose_words(lang, &code.purpose) }</td>
            <td data-label={lang.t("admin-codes-col-what")}>{ code_event_words(lang, code.event) }</td>
            <td data-label={lang.t("admin-codes-col-ip")} class="cell-wrap">{ code.ip.clone().unwrap_or_default() }</td>
        </tr>
    }
}
