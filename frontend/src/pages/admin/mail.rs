//! `/admin/mail`: the outbox, newest first: to whom, what kind, and how delivery went (never a body),
//! filtered by recipient and status. The filter and the page live in the URL.

use shared::admin::{MailEntry, MailQuery, MailStatus};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{filter_text, pager, refusal, AdminFrame, AdminGate};
use crate::api;
use crate::app::Route;
use crate::components::ListFilter;
use crate::hooks::use_load;
use crate::labels::{mail_kind_words, mail_status_words, when, MAIL_STATUSES};
use crate::paging::Position;

#[function_component(AdminMail)]
pub fn admin_mail() -> Html {
    html! { <AdminGate><MailPage /></AdminGate> }
}

fn status_of(value: &str) -> Option<MailStatus> {
    MAIL_STATUSES.into_iter().find(|s| s.as_str() == value)
}

#[function_component(MailPage)]
fn mail_page() -> Html {
    let location = use_location();
    let navigator = use_navigator();
    let query = location
        .as_ref()
        .and_then(|l| l.query::<MailQuery>().ok())
        .unwrap_or_default();
    let loaded = use_load(query.clone(), api::admin_mail);

    let on_apply = {
        let base = query.clone();
        Callback::from(move |(text, status): (String, String)| {
            let next = MailQuery {
                recipient: filter_text(&text),
                status: status_of(&status),
                page: None,
                // Whatever else the URL holds (the page size) stays.
                ..base.clone()
            };
            if let Some(navigator) = &navigator {
                let _ = navigator.push_with_query(&Route::AdminMail, &next);
            }
        })
    };
    let choices = MAIL_STATUSES
        .iter()
        .map(|s| {
            (
                AttrValue::from(s.as_str()),
                AttrValue::from(mail_status_words(*s)),
            )
        })
        .collect::<Vec<_>>();

    let body = match (&loaded.data, &loaded.problem) {
        (_, Some(problem)) => refusal(problem),
        (None, None) => html! { <p class="hint" role="status">{ "Loading the mails…" }</p> },
        (Some(page), None) => {
            let at_page = |page| MailQuery {
                page,
                ..query.clone()
            };
            html! {
                <>
                    if page.items.is_empty() {
                        <p class="empty" id="admin-mail-empty" data-testid="admin-mail-empty">{ "No mail matches." }</p>
                    } else {
                        <div class="table-scroll">
                            <table class="data-table admin-mail mail-list" aria-busy={loaded.busy.to_string()}>
                                <caption class="visually-hidden">{ "Mails, newest first" }</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{ "Recipient" }</th>
                                        <th scope="col">{ "Kind" }</th>
                                        <th scope="col">{ "Status" }</th>
                                        <th scope="col">{ "Attempts" }</th>
                                        <th scope="col">{ "Last error" }</th>
                                        <th scope="col">{ "Queued" }</th>
                                        <th scope="col">{ "Sent" }</th>
                                    </tr>
                                </thead>
                                <tbody>{ for page.items.iter().map(mail_row) }</tbody>
                            </table>
                        </div>
                    }
                    { pager(Route::AdminMail, Position::of(page), page.items.len(), at_page) }
                </>
            }
        }
    };

    html! {
        <AdminFrame title="Mail">
            <ListFilter text_id="admin-mail-recipient" text_label="Recipient"
                        text={query.recipient.clone().unwrap_or_default()} placeholder="Part of an address"
                        choice_id="admin-mail-status" choice_label="Status" any_choice="Any status"
                        {choices} choice={query.status.map(MailStatus::as_str).unwrap_or_default()}
                        {on_apply} />
            { body }
        </AdminFrame>
    }
}

fn mail_row(mail: &MailEntry) -> Html {
    html! {
        <tr data-mail-id={mail.id.clone()} data-status={mail.status.as_str()} data-kind={mail.kind.clone()}>
            <td data-label="Recipient" class="cell-main cell-wrap">{ mail.recipient.clone() }</td>
            <td data-label="Kind">{ mail_kind_words(&mail.kind) }</td>
            <td data-label="Status">
                <span class={classes!("badge", "mail-status", format!("mail-{}", mail.status.as_str()))}>
                    { mail_status_words(mail.status) }
                </span>
            </td>
            <td data-label="Attempts" class="cell-number">{ mail.attempts }</td>
            <td data-label="Last error" class="cell-wrap">{ mail.last_error.clone().unwrap_or_default() }</td>
            <td data-label="Queued">{ when(mail.created_at) }</td>
            <td data-label="Sent">{ mail.sent_at.map(when).unwrap_or_default() }</td>
        </tr>
    }
}
