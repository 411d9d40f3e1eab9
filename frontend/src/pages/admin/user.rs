//! `/admin/users/:id`: one account (or pending registration) and its story: state, sessions, the
//! timeline of its events, its mails and its codes; and what an admin may do to it (disable, enable,
//! sign out everywhere, delete). After an action the page asks the server again, so it shows what is.

use shared::admin::{
    AccountState, AdminUserDetail, AuditEntry, AuditQuery, Channel, CodeEntry, MailEntry,
};
use shared::api::SessionInfo;
use shared::problem::ProblemCode;
use uuid::Uuid;
use web_sys::HtmlElement;
use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use super::users::state_badge;
use super::{refusal, AdminFrame, AdminGate, CarriedNotice};
use crate::api;
use crate::app::Route;
use crate::components::{ErrorBanner, Notice};
use crate::hooks::{use_load, use_session};
use crate::i18n::{msg, use_lang, Language, Words};
use crate::labels::{
    channel_words, code_event_words, device, event_words, mail_kind_words, mail_status_words,
    purpose_words, when,
};
use crate::messages::problem_message;

#[derive(Properties, PartialEq)]
pub struct AdminUserPageProps {
    pub id: Uuid,
}

#[function_component(AdminUserPage)]
pub fn admin_user_page(props: &AdminUserPageProps) -> Html {
    html! { <AdminGate><UserPage id={props.id} /></AdminGate> }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Action {
    Disable,
    Enable,
    SignOutEverywhere,
    Delete,
}

fn focus(node: &NodeRef) {
    if let Some(element) = node.cast::<HtmlElement>() {
        let _ = element.focus();
    }
}

/// What the notice says once `action` went through for `name`.
fn done_message(lang: Language, action: Action, name: &str, pending: bool) -> String {
    let id = match action {
        Action::Disable => "admin-user-done-disable",
        Action::Enable => "admin-user-done-enable",
        Action::SignOutEverywhere => "admin-user-done-revoke",
        Action::Delete if pending => "admin-user-done-delete-pending",
        Action::Delete => "admin-user-done-delete",
    };
    lang.tf(id, &[("name", name.into())])
}

#[derive(Properties, PartialEq)]
struct UserPageProps {
    id: Uuid,
}

#[function_component(UserPage)]
fn user_page(props: &UserPageProps) -> Html {
    let lang = use_lang();
    let session = use_session();
    let navigator = use_navigator();
    let loaded = use_load(props.id, api::admin_user);
    let notice = use_state(|| None::<String>);
    let banner = use_state(|| None::<String>);
    let busy = use_state(|| None::<Action>);
    let confirming = use_state(|| false);
    let delete_ref = use_node_ref();
    let confirm_ref = use_node_ref();
    // Bumped when the confirmation is cancelled: once Delete is enabled again, it takes the caret.
    let cancelled = use_state(|| 0_u32);
    {
        // The confirmation takes the reading position when it opens.
        let confirm_ref = confirm_ref.clone();
        use_effect_with(*confirming, move |open| {
            if *open {
                focus(&confirm_ref);
            }
        });
    }
    {
        let delete_ref = delete_ref.clone();
        use_effect_with(*cancelled, move |cancelled| {
            if *cancelled > 0 {
                focus(&delete_ref);
            }
        });
    }

    let Some(detail) = loaded.data.clone() else {
        let body = match &loaded.problem {
            Some(problem) if problem.code == ProblemCode::NotFound => html! {
                <div class="banner banner-error" role="alert" id="admin-user-missing" data-testid="admin-user-missing">
                    { lang.t("admin-user-missing") }
                </div>
            },
            Some(problem) => refusal(lang, problem),
            None => html! { <p class="hint" role="status">{ lang.t("admin-user-loading") }</p> },
        };
        return html! {
            <AdminFrame title={lang.t("admin-user-title")}>
                { body }
                <p class="aside">
                    <Link<Route> to={Route::AdminUsers} classes="link">{ lang.t("admin-user-all-users") }</Link<Route>>
                </p>
            </AdminFrame>
        };
    };

    let user = &detail.user;
    let name = user.user.username.clone();
    let pending = user.state == AccountState::Pending;
    let own = session.user().is_some_and(|me| me.id == user.user.id);

    let act = |action: Action| {
        let (session, navigator, reload) =
            (session.clone(), navigator.clone(), loaded.reload.clone());
        let (notice, banner, busy, confirming) = (
            notice.clone(),
            banner.clone(),
            busy.clone(),
            confirming.clone(),
        );
        let (id, name) = (props.id, name.clone());
        Callback::from(move |_: MouseEvent| {
            if busy.is_some() {
                return;
            }
            let (session, navigator, reload) = (session.clone(), navigator.clone(), reload.clone());
            let (notice, banner, busy, confirming) = (
                notice.clone(),
                banner.clone(),
                busy.clone(),
                confirming.clone(),
            );
            let name = name.clone();
            busy.set(Some(action));
            notice.set(None);
            banner.set(None);
            spawn_local(async move {
                let result = match action {
                    Action::Disable => session.authed(|t| api::admin_disable_user(t, id)).await,
                    Action::Enable => session.authed(|t| api::admin_enable_user(t, id)).await,
                    Action::SignOutEverywhere => {
                        session.authed(|t| api::admin_revoke_sessions(t, id)).await
                    }
                    Action::Delete => session.authed(|t| api::admin_delete_user(t, id)).await,
                };
                busy.set(None);
                confirming.set(false);
                match result {
                    Ok(()) if action == Action::Delete => {
                        // Nothing is left to show here: the list says what happened.
                        if let Some(navigator) = navigator {
                            let message = CarriedNotice(done_message(lang, action, &name, pending));
                            navigator.push_with_state(&Route::AdminUsers, message);
                        }
                    }
                    Ok(()) => {
                        notice.set(Some(done_message(lang, action, &name, pending)));
                        reload.emit(());
                    }
                    Err(problem) if problem.status == 401 => {}
                    Err(problem) => {
                        banner.set(Some(action_problem(lang, &problem)));
                        reload.emit(());
                    }
                }
            });
        })
    };
    let open_confirm = {
        let (confirming, notice, banner) = (confirming.clone(), notice.clone(), banner.clone());
        Callback::from(move |_: MouseEvent| {
            notice.set(None);
            banner.set(None);
            confirming.set(true);
        })
    };
    let cancel_confirm = {
        let (confirming, cancelled) = (confirming.clone(), cancelled.clone());
        Callback::from(move |_: MouseEvent| {
            confirming.set(false);
            cancelled.set(cancelled.wrapping_add(1));
        })
    };

    let working = busy.is_some();
    let label = |action: Action, idle: &str, doing: &str| {
        lang.t(if *busy == Some(action) { doing } else { idle })
    };
    let actions = html! {
        <div class="actions admin-actions">
            if user.state == AccountState::Active {
                <button type="button" class="button button-secondary" id="admin-disable" data-testid="admin-disable"
                        disabled={working || own} onclick={act(Action::Disable)}>
                    { label(Action::Disable, msg("admin-user-disable"), msg("admin-user-disabling")) }
                </button>
            }
            if user.state == AccountState::Disabled {
                <button type="button" class="button button-secondary" id="admin-enable" data-testid="admin-enable"
                        disabled={working || own} onclick={act(Action::Enable)}>
                    { label(Action::Enable, msg("admin-user-enable"), msg("admin-user-enabling")) }
                </button>
            }
            if !pending {
                <button type="button" class="button button-secondary" id="admin-revoke" data-testid="admin-revoke"
                        disabled={working || own} onclick={act(Action::SignOutEverywhere)}>
                    { label(
                        Action::SignOutEverywhere,
                        msg("admin-user-revoke"),
                        msg("admin-user-revoking"),
                    ) }
                </button>
            }
            <button type="button" class="button button-danger" id="admin-delete" data-testid="admin-delete"
                    ref={delete_ref.clone()} disabled={working || own || *confirming} onclick={open_confirm}>
                { lang.t("admin-user-delete") }
            </button>
        </div>
    };
    let consequence = lang.tf(
        if pending {
            "admin-user-delete-consequence-pending"
        } else {
            "admin-user-delete-consequence"
        },
        &[
            ("name", (&name).into()),
            ("email", (&user.user.email).into()),
        ],
    );
    let confirm = html! {
        <section class="confirm-form danger-zone" id="admin-delete-panel" data-testid="admin-delete-panel"
                 aria-labelledby="admin-delete-heading">
            <h3 id="admin-delete-heading" tabindex="-1" ref={confirm_ref.clone()}>
                { lang.tf("admin-user-delete-question", &[("name", (&name).into())]) }
            </h3>
            <p id="admin-delete-consequence" data-testid="admin-delete-consequence">{ consequence }</p>
            <div class="actions">
                <button type="button" class="button button-danger" id="admin-delete-confirm"
                        data-testid="admin-delete-confirm" disabled={working} onclick={act(Action::Delete)}>
                    { label(Action::Delete, msg("admin-user-delete-confirm"), msg("admin-user-deleting")) }
                </button>
                <button type="button" class="button button-secondary" id="admin-delete-cancel"
                        data-testid="admin-delete-cancel" disabled={working} onclick={cancel_confirm}>
                    { lang.t("button-cancel") }
                </button>
            </div>
        </section>
    };

    html! {
        <AdminFrame title={name.clone()}>
            <ErrorBanner message={(*banner).clone().map(AttrValue::from)} />
            <Notice testid="notice-banner" message={(*notice).clone().map(AttrValue::from)} />
            { facts(lang, &detail) }
            if own {
                <p class="hint" id="admin-own-account">
                    { lang.t("admin-user-own-account") }
                </p>
            }
            { actions }
            if *confirming {
                { confirm }
            }
            <h2 id="admin-sessions-heading">{ lang.t("admin-user-sessions-heading") }</h2>
            { sessions(lang, &detail.sessions) }
            <crate::passkeys::AdminPasskeys user_id={props.id} passkeys={detail.passkeys.clone()}
                                            on_changed={loaded.reload.clone()} />
            <h2 id="admin-timeline-heading">{ lang.t("admin-user-timeline-heading") }</h2>
            { timeline(lang, &detail.events) }
            <p class="aside-left">
                <Link<Route, AuditQuery> to={Route::AdminAudit} classes="link"
                    query={Some(AuditQuery { user_id: Some(props.id.to_string()), ..AuditQuery::default() })}>
                    <span id="admin-user-audit-link">{ lang.t("admin-user-audit-link") }</span>
                </Link<Route, AuditQuery>>
            </p>
            <h2 id="admin-mails-heading">{ lang.t("admin-user-mails-heading") }</h2>
            { mails(lang, &detail.mails) }
            <h2 id="admin-codes-heading">{ lang.t("admin-user-codes-heading") }</h2>
            { codes(lang, &detail.codes) }
            <p class="aside">
                <Link<Route> to={Route::AdminUsers} classes="link">{ lang.t("admin-user-all-users") }</Link<Route>>
            </p>
        </AdminFrame>
    }
}

/// A refused action, in words: the server's 422 says why (the admin's own account, a pending
/// registration), the others read as everywhere.
fn action_problem(lang: Language, problem: &shared::problem::Problem) -> String {
    match problem.code {
        ProblemCode::ValidationFailed => {
            let reasons: Vec<&str> = problem
                .errors
                .values()
                .flatten()
                .map(String::as_str)
                .collect();
            if reasons.is_empty() {
                lang.t("admin-user-refused")
            } else {
                let reasons = reasons.join("; ");
                lang.tf(
                    "admin-user-refused-because",
                    &[("reasons", (&reasons).into())],
                )
            }
        }
        ProblemCode::NotFound => lang.t("admin-user-gone"),
        _ => problem_message(lang, problem),
    }
}

fn facts(lang: Language, detail: &AdminUserDetail) -> Html {
    let user = &detail.user;
    let account = &user.user;
    let factor = match (account.mfa_enabled, detail.recovery_codes_left) {
        (true, Some(left)) => lang.tf("admin-user-mfa-on-codes", &[("left", left.into())]),
        (true, None) => lang.t("admin-user-mfa-on"),
        (false, _) => lang.t("admin-user-mfa-off"),
    };
    html! {
        <dl class="facts" id="admin-user-facts">
            <dt>{ lang.t("admin-user-fact-state") }</dt>
            <dd id="admin-user-state" data-testid="admin-user-state">{ state_badge(lang, user.state) }</dd>
            <dt>{ lang.t("admin-user-fact-username") }</dt>
            <dd id="admin-user-username">{ account.username.clone() }</dd>
            <dt>{ lang.t("admin-user-fact-email") }</dt>
            <dd>
                <span id="admin-user-email">{ account.email.clone() }</span>
                if account.email_verified {
                    <span class="badge badge-ok">{ lang.t("admin-user-email-confirmed") }</span>
                } else {
                    <span class="badge">{ lang.t("admin-user-email-unconfirmed") }</span>
                }
            </dd>
            <dt>{ lang.t("admin-user-fact-role") }</dt>
            <dd id="admin-user-role">{ account.role.clone() }</dd>
            <dt>{ lang.t("admin-user-fact-mfa") }</dt>
            <dd id="admin-user-mfa" data-enabled={account.mfa_enabled.to_string()}>{ factor }</dd>
            <dt>{ lang.t("admin-user-fact-created") }</dt>
            <dd>{ when(account.created_at) }</dd>
            <dt>{ lang.t("admin-user-fact-last-login") }</dt>
            <dd>{ user.last_login_at.map(when).unwrap_or_else(|| lang.t("admin-user-never")) }</dd>
            if let Some(at) = user.disabled_at {
                <dt>{ lang.t("admin-user-fact-disabled") }</dt>
                <dd id="admin-user-disabled-at">{ when(at) }</dd>
            }
            <dt>{ lang.t("admin-user-fact-id") }</dt>
            <dd><code class="id">{ account.id.to_string() }</code></dd>
        </dl>
    }
}

fn sessions(lang: Language, list: &[SessionInfo]) -> Html {
    if list.is_empty() {
        return html! { <p class="empty" id="admin-sessions-empty">{ lang.t("admin-user-no-sessions") }</p> };
    }
    html! {
        <ul class="sessions admin-sessions" id="admin-sessions">
            { for list.iter().map(|s| html! {
                <li class="session" data-session-id={s.id.to_string()}>
                    <div class="session-what">
                        <strong>{ device(lang, s.user_agent.as_deref()) }</strong>
                        <span class="session-meta">
                            { lang.tf("admin-user-session-meta", &[
                                ("signed_in", (&when(s.created_at)).into()),
                                ("last_active", (&when(s.last_used_at)).into()),
                            ]) }
                            { s.ip.as_ref().map(|ip| format!(" · {ip}")).unwrap_or_default() }
                        </span>
                    </div>
                </li>
            }) }
        </ul>
    }
}

fn timeline(lang: Language, events: &[AuditEntry]) -> Html {
    if events.is_empty() {
        return html! { <p class="empty" id="admin-timeline-empty">{ lang.t("admin-user-no-events") }</p> };
    }
    html! {
        <ol class="timeline" id="admin-timeline" aria-labelledby="admin-timeline-heading">
            { for events.iter().map(|e| html! {
                <li data-kind={e.kind.clone()}>
                    <time datetime={e.at.to_rfc3339()}>{ when(e.at) }</time>
                    <strong class="timeline-kind">{ event_words(lang, &e.kind) }</strong>
                    if let Some(detail) = &e.detail {
                        <span class="timeline-detail">{ detail.clone() }</span>
                    }
                    <span class="timeline-meta">
                        { e.ip.clone().unwrap_or_else(|| lang.t("admin-user-no-ip")) }
                        if let Some(ua) = &e.user_agent {
                            { " · " }<span class="timeline-ua">{ ua.clone() }</span>
                        }
                        if e.actor_id.is_some() {
                            { " · " }{ lang.t("admin-user-by-admin") }
                        }
                    </span>
                </li>
            }) }
        </ol>
    }
}

fn mails(lang: Language, list: &[MailEntry]) -> Html {
    if list.is_empty() {
        return html! { <p class="empty" id="admin-mails-empty">{ lang.t("admin-user-no-mails") }</p> };
    }
    html! {
        <ul class="mail-list" id="admin-mails" aria-labelledby="admin-mails-heading">
            { for list.iter().map(|m| html! {
                <li data-mail-id={m.id.clone()} data-status={m.status.as_str()} data-kind={m.kind.clone()}
                    data-channel={m.channel.as_str()}>
                    <div class="mail-what">
                        <strong>{ mail_kind_words(lang, &m.kind) }</strong>
                        if m.channel == Channel::Webhook {
                            <span class="badge">{ channel_words(lang, m.channel) }</span>
                        }
                        <span class={classes!("badge", "mail-status", format!("mail-{}", m.status.as_str()))}>
                            { mail_status_words(lang, m.status) }
                        </span>
                    </div>
                    <span class="mail-meta">
                        { lang.tf("admin-user-mail-queued", &[("at", (&when(m.created_at)).into())]) }
                        { m.sent_at.map(|at| {
                            format!(" · {}", lang.tf("admin-user-mail-sent", &[("at", (&when(at)).into())]))
                        }).unwrap_or_default() }
                        { format!(" · {}", lang.tf("admin-user-mail-attempts", &[("attempts", m.attempts.into())])) }
                    </span>
                    if let Some(error) = &m.last_error {
                        <span class="mail-error">{ error.clone() }</span>
                    }
                </li>
            }) }
        </ul>
    }
}

fn codes(lang: Language, list: &[CodeEntry]) -> Html {
    if list.is_empty() {
        return html! { <p class="empty" id="admin-codes-empty">{ lang.t("admin-user-no-codes") }</p> };
    }
    html! {
        <ul class="code-list" id="admin-codes" aria-labelledby="admin-codes-heading">
            { for list.iter().map(|c| html! {
                <li data-event={c.event.as_str()} data-purpose={c.purpose.clone()}>
                    <strong>{ code_event_words(lang, c.event) }</strong>
                    { format!(" · {}", purpose_words(lang, &c.purpose)) }
                    <span class="code-meta">
                        { when(c.at) }
                        { c.ip.as_ref().map(|ip| format!(" · {ip}")).unwrap_or_default() }
                    </span>
                </li>
            }) }
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_done_action_names_the_account_and_what_changed() {
        assert!(
            done_message(Language::ENGLISH, Action::Disable, "ada", false)
                .contains("ada is disabled")
        );
        assert!(
            done_message(Language::ENGLISH, Action::Enable, "ada", false).contains("sign in again")
        );
        assert!(
            done_message(Language::ENGLISH, Action::SignOutEverywhere, "ada", false)
                .contains("signed out everywhere")
        );
        assert!(
            done_message(Language::ENGLISH, Action::Delete, "ada", false).contains("goodbye mail")
        );
        assert!(done_message(Language::ENGLISH, Action::Delete, "ada", true)
            .contains("pending registration"));
    }

    #[test]
    fn a_refused_action_gives_the_servers_reason() {
        let mut errors = shared::api::FieldErrors::new();
        errors.insert("id".into(), vec!["is your own account".into()]);
        let problem =
            shared::problem::Problem::new(ProblemCode::ValidationFailed).with_errors(errors);
        assert_eq!(
            action_problem(Language::ENGLISH, &problem),
            "Not done: this account is your own account."
        );
    }
}
