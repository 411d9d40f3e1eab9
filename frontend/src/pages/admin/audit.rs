//! `/admin/audit`: the audit trail, newest first, filtered by account and kind of event. The filter and
//! the page live in the URL, so a user's page can link to its own events.

use shared::admin::{AuditEntry, AuditQuery};
use uuid::Uuid;
use yew::prelude::*;
use yew_router::prelude::*;

use super::{filter_text, pager, refusal, AdminFrame, AdminGate};
use crate::api;
use crate::app::Route;
use crate::components::{Choice, ListFilter};
use crate::hooks::use_load;
use crate::i18n::{use_lang, Language, Words};
use crate::labels::{device, event_words, when, EVENT_KINDS};
use crate::paging::Position;

#[function_component(AdminAudit)]
pub fn admin_audit() -> Html {
    html! { <AdminGate><AuditPage /></AdminGate> }
}

#[function_component(AuditPage)]
fn audit_page() -> Html {
    let lang = use_lang();
    let location = use_location();
    let navigator = use_navigator();
    let query = location
        .as_ref()
        .and_then(|l| l.query::<AuditQuery>().ok())
        .unwrap_or_default();
    let loaded = use_load(query.clone(), api::admin_audit);

    let on_apply = {
        let base = query.clone();
        Callback::from(move |(text, chosen): (String, Vec<String>)| {
            let next = AuditQuery {
                user_id: filter_text(&text),
                kind: chosen.first().and_then(|kind| filter_text(kind)),
                page: None,
                // Whatever else the URL holds (the page size) stays.
                ..base.clone()
            };
            if let Some(navigator) = &navigator {
                let _ = navigator.push_with_query(&Route::AdminAudit, &next);
            }
        })
    };
    let mut kinds = EVENT_KINDS
        .iter()
        .map(|value| {
            (
                AttrValue::from(*value),
                AttrValue::from(event_words(lang, value)),
            )
        })
        .collect::<Vec<_>>();
    // A kind from a link this client has no words for still shows as chosen.
    if let Some(kind) = &query.kind {
        if !EVENT_KINDS.contains(&kind.as_str()) {
            kinds.push((kind.clone().into(), event_words(lang, kind).into()));
        }
    }
    let choices = vec![Choice {
        id: "admin-audit-kind".into(),
        label: lang.t("admin-audit-event-label").into(),
        any: lang.t("admin-audit-event-any").into(),
        options: kinds,
        value: query.kind.clone().unwrap_or_default().into(),
    }];

    let body = match (&loaded.data, &loaded.problem) {
        (_, Some(problem)) => refusal(lang, problem),
        (None, None) => {
            html! { <p class="hint" role="status">{ lang.t("admin-audit-loading") }</p> }
        }
        (Some(page), None) => {
            let at_page = |page| AuditQuery {
                page,
                ..query.clone()
            };
            html! {
                <>
                    if page.items.is_empty() {
                        <p class="empty" id="admin-audit-empty" data-testid="admin-audit-empty">{ lang.t("admin-audit-empty") }</p>
                    } else {
                        <div class="table-scroll">
                            <table class="data-table admin-audit" aria-busy={loaded.busy.to_string()}>
                                <caption class="visually-hidden">{ lang.t("admin-audit-caption") }</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{ lang.t("admin-audit-col-when") }</th>
                                        <th scope="col">{ lang.t("admin-audit-event-label") }</th>
                                        <th scope="col">{ lang.t("admin-audit-col-account") }</th>
                                        <th scope="col">{ lang.t("admin-audit-col-address") }</th>
                                        <th scope="col">{ lang.t("admin-audit-col-ip") }</th>
                                        <th scope="col">{ lang.t("admin-audit-col-device") }</th>
                                        <th scope="col">{ lang.t("admin-audit-col-detail") }</th>
                                    </tr>
                                </thead>
                                <tbody>{ for page.items.iter().map(|entry| audit_row(lang, entry)) }</tbody>
                            </table>
                        </div>
                    }
                    { pager(lang, Route::AdminAudit, Position::of(page), page.items.len(), at_page) }
                </>
            }
        }
    };

    html! {
        <AdminFrame title={lang.t("admin-audit-title")}>
            <ListFilter text_id="admin-audit-user" text_label={lang.t("admin-audit-search-label")}
                        text={query.user_id.clone().unwrap_or_default()} placeholder={lang.t("admin-audit-search-placeholder")}
                        {choices} {on_apply} />
            { body }
        </AdminFrame>
    }
}

/// A link to the account's page when the id is one (an account or a pending registration), named by
/// the id's first characters: enough to tell the rows' accounts apart at a glance.
fn account_link(id: Option<&str>, label: &str) -> Html {
    match id.map(|id| (id, Uuid::parse_str(id))) {
        Some((raw, Ok(uuid))) => html! {
            <Link<Route> to={Route::AdminUser { id: uuid }} classes="link">
                { format!("{label} {}", raw.chars().take(8).collect::<String>()) }
            </Link<Route>>
        },
        Some((raw, Err(_))) => html! { <code class="id">{ raw.to_owned() }</code> },
        None => Html::default(),
    }
}

fn audit_row(lang: Language, entry: &AuditEntry) -> Html {
    html! {
        <tr data-kind={entry.kind.clone()} data-event-id={entry.id.to_string()}>
            <td data-label={lang.t("admin-audit-col-when")} class="cell-main">
                <time datetime={entry.at.to_rfc3339()}>{ when(entry.at) }</time>
            </td>
            <td data-label={lang.t("admin-audit-event-label")}>{ event_words(lang, &entry.kind) }</td>
            <td data-label={lang.t("admin-audit-col-account")}>
                // One element, so the cell's phone layout keeps the link and "by an admin" together.
                <span>
                    { account_link(entry.user_id.as_deref(), &lang.t("admin-audit-account")) }
                    if entry.actor_id.is_some() {
                        { " " }{ lang.t("admin-audit-by") }{ " " }{ account_link(entry.actor_id.as_deref(), &lang.t("admin-audit-admin")) }
                    }
                </span>
            </td>
            <td data-label={lang.t("admin-audit-col-address")} class="cell-wrap">{ entry.email.clone().unwrap_or_default() }</td>
            <td data-label={lang.t("admin-audit-col-ip")} class="cell-wrap">{ entry.ip.clone().unwrap_or_default() }</td>
            <td data-label={lang.t("admin-audit-col-device")} class="cell-wrap">
                <span title={entry.user_agent.clone()}>
                    { entry.user_agent.as_deref().map(|ua| device(lang, Some(ua))).unwrap_or_default() }
                </span>
            </td>
            <td data-label={lang.t("admin-audit-col-detail")} class="cell-wrap">{ entry.detail.clone().unwrap_or_default() }</td>
        </tr>
    }
}
