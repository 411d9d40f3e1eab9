//! What a form knows besides its values: which fields were judged and the server's message per field.
//! Plain Rust, no browser calls: tested natively. `hooks::use_form_state` hands it to the pages.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use yew::functional::Reducible;

/// Which field's message to show: a field is judged once it lost focus or the form was sent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Touched(BTreeSet<&'static str>);

impl Touched {
    pub fn with(&self, field: &'static str) -> Self {
        let mut next = self.clone();
        next.0.insert(field);
        next
    }

    pub fn without(&self, field: &str) -> Self {
        let mut next = self.clone();
        next.0.remove(field);
        next
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains(field)
    }
}

/// The touched fields and the server's messages, per field, each kept until that field is edited.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormState {
    touched: Touched,
    server: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FormAction {
    /// The field lost focus: its own check now shows.
    Touch(&'static str),
    /// The form was sent: every field's check shows.
    TouchAll(&'static [&'static str]),
    /// The field was edited: the server's message about it no longer applies.
    Edited(&'static str),
    /// Another input took the field's place (a recovery code's text field for the app's boxes): it is
    /// judged afresh, once left or sent, and the server's message about it no longer applies.
    Replaced(&'static str),
    /// The server's verdict, replacing the earlier one.
    ServerErrors(BTreeMap<String, String>),
    /// A fresh form, as after a success.
    Clear,
}

impl FormState {
    /// The message under `field`: the server's if it has one, else `local` (the field's own check) once
    /// the field was touched.
    pub fn error_of(&self, field: &str, local: Option<String>) -> Option<String> {
        self.server
            .get(field)
            .cloned()
            .or_else(|| self.touched.has(field).then_some(local).flatten())
    }
}

impl Reducible for FormState {
    type Action = FormAction;

    fn reduce(self: Rc<Self>, action: FormAction) -> Rc<Self> {
        match action {
            FormAction::Touch(field) if !self.touched.has(field) => Rc::new(Self {
                touched: self.touched.with(field),
                server: self.server.clone(),
            }),
            FormAction::TouchAll(fields) => Rc::new(Self {
                touched: fields.iter().fold(self.touched.clone(), |t, f| t.with(f)),
                server: self.server.clone(),
            }),
            FormAction::Edited(field) if self.server.contains_key(field) => {
                let mut server = self.server.clone();
                server.remove(field);
                Rc::new(Self {
                    touched: self.touched.clone(),
                    server,
                })
            }
            FormAction::Replaced(field)
                if self.touched.has(field) || self.server.contains_key(field) =>
            {
                let mut server = self.server.clone();
                server.remove(field);
                Rc::new(Self {
                    touched: self.touched.without(field),
                    server,
                })
            }
            FormAction::ServerErrors(server) => Rc::new(Self {
                touched: self.touched.clone(),
                server,
            }),
            FormAction::Clear => Rc::new(Self::default()),
            FormAction::Touch(_) | FormAction::Edited(_) | FormAction::Replaced(_) => self,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(actions: impl IntoIterator<Item = FormAction>) -> Rc<FormState> {
        actions
            .into_iter()
            .fold(Rc::new(FormState::default()), FormState::reduce)
    }

    fn server(pairs: &[(&str, &str)]) -> FormAction {
        FormAction::ServerErrors(
            pairs
                .iter()
                .map(|(f, m)| ((*f).to_owned(), (*m).to_owned()))
                .collect(),
        )
    }

    fn local() -> Option<String> {
        Some("Password must be at least 8 characters long.".to_owned())
    }

    #[test]
    fn a_fields_own_check_shows_only_once_it_was_touched() {
        assert_eq!(after([]).error_of("password", local()), None);
        assert_eq!(
            after([FormAction::Touch("password")]).error_of("password", local()),
            local()
        );
        assert_eq!(
            after([FormAction::Touch("email")]).error_of("password", local()),
            None
        );
        assert_eq!(
            after([FormAction::Touch("password")]).error_of("password", None),
            None
        );
    }

    #[test]
    fn sending_the_form_touches_every_field() {
        let state = after([FormAction::TouchAll(&["email", "password"])]);
        assert_eq!(state.error_of("email", local()), local());
        assert_eq!(state.error_of("password", local()), local());
        assert_eq!(state.error_of("username", local()), None);
    }

    #[test]
    fn the_servers_message_wins_even_before_the_field_is_touched() {
        let state = after([server(&[("email", "is already taken")])]);
        assert_eq!(
            state.error_of("email", local()).as_deref(),
            Some("is already taken")
        );
        assert_eq!(state.error_of("password", local()), None);
    }

    #[test]
    fn editing_a_field_drops_the_servers_message_about_it_only() {
        let state = after([
            FormAction::Touch("email"),
            server(&[("email", "is already taken"), ("password", "too easy")]),
            FormAction::Edited("email"),
        ]);
        assert_eq!(state.error_of("email", None), None);
        assert_eq!(state.error_of("email", local()), local());
        assert_eq!(
            state.error_of("password", None).as_deref(),
            Some("too easy")
        );
    }

    #[test]
    fn a_new_verdict_replaces_the_old_one_and_keeps_the_touched_fields() {
        let state = after([
            FormAction::Touch("password"),
            server(&[("email", "is already taken")]),
            server(&[]),
        ]);
        assert_eq!(state.error_of("email", local()), None);
        assert_eq!(state.error_of("password", local()), local());
    }

    #[test]
    fn a_replaced_input_is_judged_afresh_and_the_others_keep_their_state() {
        let state = after([
            FormAction::TouchAll(&["password", "code"]),
            server(&[("code", "is not right"), ("password", "is not yours")]),
            FormAction::Replaced("code"),
        ]);
        assert_eq!(state.error_of("code", local()), None);
        assert_eq!(
            state.error_of("password", None).as_deref(),
            Some("is not yours")
        );
        assert_eq!(
            state.error_of("password", local()).as_deref(),
            Some("is not yours")
        );
        // Left or sent again, the new input is judged like any other.
        let state = Rc::new((*state).clone()).reduce(FormAction::Touch("code"));
        assert_eq!(state.error_of("code", local()), local());
        // A field never judged stays the same state.
        let fresh = after([]);
        assert!(Rc::ptr_eq(
            &fresh,
            &fresh.clone().reduce(FormAction::Replaced("code"))
        ));
    }

    #[test]
    fn clearing_forgets_touched_fields_and_the_servers_messages() {
        let state = after([
            FormAction::TouchAll(&["password"]),
            server(&[("email", "is already taken")]),
            FormAction::Clear,
        ]);
        assert_eq!(*state, FormState::default());
    }

    #[test]
    fn actions_that_change_nothing_keep_the_same_state() {
        let touched = after([FormAction::Touch("email")]);
        assert!(Rc::ptr_eq(
            &touched,
            &touched.clone().reduce(FormAction::Touch("email"))
        ));
        assert!(Rc::ptr_eq(
            &touched,
            &touched.clone().reduce(FormAction::Edited("email"))
        ));
    }
}
