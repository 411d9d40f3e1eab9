//! One module per route.

mod change_password;
mod dashboard;
mod forgot_password;
mod login;
mod not_found;
mod register;
mod reset_password;
mod verify;

pub use dashboard::Dashboard;
pub use forgot_password::ForgotPassword;
pub use login::Login;
pub use not_found::NotFound;
pub use register::Register;
pub use reset_password::ResetPassword;
pub use verify::Verify;

use serde::{Deserialize, Serialize};

/// The query of `/verify` and `/reset-password`, as the e-mailed links write it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CodeQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Why the person was sent here: `unverified` after a sign-in of an unconfirmed account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The query of `/login`: a message to show after a redirect.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LoginQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}
