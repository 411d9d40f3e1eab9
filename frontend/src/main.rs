//! OTP Portal's browser client: registration with an e-mailed code, sign-in (with a password or an
//! e-mailed code, and an authenticator app's code when the account has one), the account dashboard and
//! its security page, and password recovery, talking to the server's `/api`.

mod api;
mod app;
mod charts;
mod code;
mod components;
mod countdown;
mod download;
mod factor;
mod form;
mod hooks;
mod i18n;
mod labels;
mod messages;
mod pages;
mod paging;
mod passkeys;
mod registration_token;
mod tab_lock;
mod tickets;
mod webauthn;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
