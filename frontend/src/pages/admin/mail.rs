//! `/admin/mail`: the outbox, newest first: mails and webhooks, to whom, what kind, and how delivery went
//! (never a body), filtered by recipient, status and channel. The filter and the page live in the URL.

use shared::admin::{Channel, MailEntry, MailQuery, MailStatus};
use yew::prelude::*;
use yew_router::prelude::*;

use super::{filter_text, pager, refusal, AdminFrame, AdminGate};
use crate::api;
use crate::app::Route;
use crate::components::{Choice, ListFilter};
use crate::hooks::use_load;
use crate::i18n::{use_lang, Language, Words};
use crate::labels::{
    channel_words, mail_kind_words, mail_status_words, when, CHANNELS, MAIL_STATUSES,
};
use crate::paging::Position;

#[function_component(AdminMail)]
pub fn admin_mail() -> Html {
    html! { <AdminGate><MailPage /></AdminGate> }
}

fn status_of(value: &str) -> Option<MailStatus> {
    MAIL_STATUSES.into_iter().find(|s| s.as_str() == value)
}

fn channel_of(value: &str) -> Option<Channel> {
    CHANNELS.into_iter().find(|c| c.as_str() == value)
}

#[function_component(MailPage)]
fn mail_page() -> Html {
    let lang = use_lang();
    let location = use_location();
    let navigator = use_navigator();
    let query = location
        .as_ref()
        .and_then(|l| l.query::<MailQuery>().ok())
        .unwrap_or_default();
    let loaded = use_load(query.clone(), api::admin_mail);

    let on_apply = {
        let base = query.clone();
        Callback::from(move |(text, chosen): (String, Vec<String>)| {
            let next = MailQuery {
                recipient: filter_text(&text),
                status: chosen.first().and_then(|status| status_of(status)),
                channel: chosen.get(1).and_then(|channel| channel_of(channel)),
                page: None,
                // Whatever else the URL holds (the page size) stays.
                ..base.clone()
            };
            if let Some(navigator) = &navigator {
                let _ = navigator.push_with_query(&Route::AdminMail, &next);
            }
        })
    };
    let statuses = MAIL_STATUSES
        .iter()
        .map(|s| {
            (
                AttrValue::from(s.as_str()),
                AttrValue::from(mail_status_words(lang, *s)),
            )
        })
        .collect::<Vec<_>>();
    let channels = CHANNELS
        .iter()
        .map(|c| {
            (
                AttrValue::from(c.as_str()),
                AttrValue::from(channel_words(lang, *c)),
            )
        })
        .collect::<Vec<_>>();
    let choices = vec![
        Choice {
            id: "admin-mail-status".into(),
            label: lang.t("admin-mail-status-label").into(),
            any: lang.t("admin-mail-status-any").into(),
            options: statuses,
            value: query
                .status
                .map(MailStatus::as_str)
                .unwrap_or_default()
                .into(),
        },
        Choice {
            id: "admin-mail-channel".into(),
            label: lang.t("admin-mail-channel-label").into(),
            any: lang.t("admin-mail-channel-any").into(),
            options: channels,
            value: query
                .channel
                .map(Channel::as_str)
                .unwrap_or_default()
                .into(),
        },
    ];

    let body = match (&loaded.data, &loaded.problem) {
        (_, Some(problem)) => refusal(lang, problem),
        (None, None) => {
            html! { <p class="hint" role="status">{ lang.t("admin-mail-loading") }</p> }
        }
        (Some(page), None) => {
            let at_page = |page| MailQuery {
                page,
                ..query.clone()
            };
            html! {
                <>
                    if page.items.is_empty() {
                        <p class="empty" id="admin-mail-empty" data-testid="admin-mail-empty">{ lang.t("admin-mail-empty") }</p>
                    } else {
                        <div class="table-scroll">
                            <table class="data-table admin-mail mail-list" aria-busy={loaded.busy.to_string()}>
                                <caption class="visually-hidden">{ lang.t("admin-mail-caption") }</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{ lang.t("admin-mail-col-recipient") }</th>
                                        <th scope="col">{ lang.t("admin-mail-channel-label") }</th>
                                        <th scope="col">{ lang.t("admin-mail-col-kind") }</th>
                                        <th scope="col">{ lang.t("admin-mail-status-label") }</th>
                                        <th scope="col">{ lang.t("admin-mail-col-attempts") }</th>
                                        <th scope="col">{ lang.t("admin-mail-col-last-error") }</th>
                                        <th scope="col">{ lang.t("admin-mail-col-queued") }</th>
                                        <th scope="col">{ lang.t("admin-mail-col-sent") }</th>
                                    </tr>
                                </thead>
                                <tbody>{ for page.items.iter().map(|mail| mail_row(lang, mail)) }</tbody>
                            </table>
                        </div>
                    }
                    { pager(lang, Route::AdminMail, Position::of(page), page.items.len(), at_page) }
                </>
            }
        }
    };

    html! {
        <AdminFrame title={lang.t("admin-mail-title")}>
            <ListFilter text_id="admin-mail-recipient" text_label={lang.t("admin-mail-col-recipient")}
                        text={query.recipient.clone().unwrap_or_default()} placeholder={lang.t("admin-mail-search-placeholder")}
                        {choices} {on_apply} />
            { body }
        </AdminFrame>
    }
}

fn mail_row(lang: Language, mail: &MailEntry) -> Html {
    html! {
        <tr data-mail-id={mail.id.clone()} data-status={mail.status.as_str()} data-kind={mail.kind.clone()}
            data-channel={mail.channel.as_str()}>
            <td data-label={lang.t("admin-mail-col-recipient")} class="cell-main cell-wrap">{ mail.recipient.clone() }</td>
            <td data-label={lang.t("admin-mail-channel-label")}>{ channel_words(lang, mail.channel) }</td>
            <td data-label={lang.t("admin-mail-col-kind")}>{ mail_kind_words(lang, &mail.kind) }</td>
            <td data-label={lang.t("admin-mail-status-label")}>
                <span class={classes!("badge", "mail-status", format!("mail-{}", mail.status.as_str()))}>
                    { mail_status_words(lang, mail.status) }
                </span>
            </td>
            <td data-label={lang.t("admin-mail-col-attempts")} class="cell-number">{ mail.attempts }</td>
            <td data-label={lang.t("admin-mail-col-last-error")} class="cell-wrap">{ mail.last_error.clone().unwrap_or_default() }</td>
            <td data-label={lang.t("admin-mail-col-queued")}>{ when(mail.created_at) }</td>
            <td data-label={lang.t("admin-mail-col-sent")}>{ mail.sent_at.map(when).unwrap_or_default() }</td>
        </tr>
    }
}
