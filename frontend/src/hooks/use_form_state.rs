//! A form's touched fields and the server's messages per field (`crate::form`), with the callbacks its
//! fields take. The state is a reducer, so updates made from a request's answer apply to the latest state.

use std::collections::BTreeMap;

use yew::prelude::*;

use crate::form::{FormAction, FormState};

#[derive(Clone, PartialEq)]
pub struct FormStateHandle {
    state: UseReducerHandle<FormState>,
    fields: &'static [&'static str],
}

/// The state of a form with these fields (the names the server's field errors use).
#[hook]
pub fn use_form_state(fields: &'static [&'static str]) -> FormStateHandle {
    FormStateHandle {
        state: use_reducer(FormState::default),
        fields,
    }
}

impl FormStateHandle {
    /// The message under `field`: the server's, else `local` once the field was touched.
    pub fn error_of(&self, field: &str, local: Option<String>) -> Option<String> {
        self.state.error_of(field, local)
    }

    /// Sets the field's value and drops the server's message about it.
    pub fn on_change<T: 'static>(
        &self,
        value: &UseStateHandle<T>,
        field: &'static str,
    ) -> Callback<T> {
        self.on_change_and(value, field, |_| {})
    }

    /// `on_change`, and `also` for what the page does besides on every edit of this field.
    pub fn on_change_and<T: 'static>(
        &self,
        value: &UseStateHandle<T>,
        field: &'static str,
        also: impl Fn(&T) + 'static,
    ) -> Callback<T> {
        let (value, state) = (value.clone(), self.state.clone());
        Callback::from(move |next: T| {
            also(&next);
            value.set(next);
            state.dispatch(FormAction::Edited(field));
        })
    }

    /// Sets the value of a field that is one of two inputs (the app's boxes or a recovery code's text
    /// field): an edit as `on_change`, and when `replaced` says another input took its place, that
    /// input is judged afresh.
    pub fn on_change_replacing<T: 'static>(
        &self,
        value: &UseStateHandle<T>,
        field: &'static str,
        replaced: impl Fn(&T, &T) -> bool + 'static,
    ) -> Callback<T> {
        let (value, state) = (value.clone(), self.state.clone());
        Callback::from(move |next: T| {
            let action = if replaced(&*value, &next) {
                FormAction::Replaced(field)
            } else {
                FormAction::Edited(field)
            };
            value.set(next);
            state.dispatch(action);
        })
    }

    /// Marks the field touched.
    pub fn on_blur(&self, field: &'static str) -> Callback<()> {
        let state = self.state.clone();
        Callback::from(move |()| state.dispatch(FormAction::Touch(field)))
    }

    pub fn touch(&self, field: &'static str) {
        self.state.dispatch(FormAction::Touch(field));
    }

    /// The form was sent: every field is judged.
    pub fn touch_all(&self) {
        self.state.dispatch(FormAction::TouchAll(self.fields));
    }

    /// The server's messages per field, replacing earlier ones (an empty map clears them).
    pub fn set_server_errors(&self, errors: BTreeMap<String, String>) {
        self.state.dispatch(FormAction::ServerErrors(errors));
    }

    /// The server's message for one field, replacing earlier ones.
    pub fn set_server_error(&self, field: &str, message: String) {
        self.set_server_errors(BTreeMap::from([(field.to_owned(), message)]));
    }

    /// Nothing touched, no server messages: a fresh form.
    pub fn clear(&self) {
        self.state.dispatch(FormAction::Clear);
    }
}
