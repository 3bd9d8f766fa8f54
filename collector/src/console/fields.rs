//! The editor's and settings' form fields: each labelled, with an error slot the console's script
//! fills as the owner types, and a `data-path` naming the JSON field it edits.

use maud::{html, Markup};

pub(super) fn field_id(name: &str) -> String {
    format!("f-{name}")
}

pub(super) fn hint_id(name: &str) -> String {
    format!("f-{name}-error")
}

pub(super) fn text_input(name: &str, label: &str, path: &str) -> Markup {
    html! {
        div.field {
            label for=(field_id(name)) { (label) }
            input id=(field_id(name)) name=(name) data-path=(path) aria-describedby=(hint_id(name));
            p.field-error id=(hint_id(name)) {}
        }
    }
}

/// A number field; `default` (what an empty field means) is its placeholder.
pub(super) fn number_input(name: &str, label: &str, path: &str, default: &str) -> Markup {
    html! {
        div.field {
            label for=(field_id(name)) { (label) }
            input id=(field_id(name)) type="number" step="any" name=(name) data-path=(path)
                placeholder=(default) aria-describedby=(hint_id(name));
            p.field-error id=(hint_id(name)) {}
        }
    }
}

pub(super) fn checkbox(name: &str, label: &str) -> Markup {
    checkbox_at(name, label, name)
}

pub(super) fn checkbox_at(name: &str, label: &str, path: &str) -> Markup {
    html! {
        div.field.check {
            input id=(field_id(name)) type="checkbox" name=(name) data-path=(path) aria-describedby=(hint_id(name));
            label for=(field_id(name)) { (label) }
            p.field-error id=(hint_id(name)) {}
        }
    }
}

/// A local date and time, sent as RFC 3339 by the console script.
pub(super) fn datetime_input(name: &str, label: &str, path: &str) -> Markup {
    html! {
        div.field {
            label for=(field_id(name)) { (label) }
            input id=(field_id(name)) type="datetime-local" name=(name) data-path=(path) aria-describedby=(hint_id(name));
            p.field-error id=(hint_id(name)) {}
        }
    }
}

/// The `appearance` fields (SPEC 7.4) under the JSON path `path`; an empty field inherits.
pub(super) fn appearance_fields(path: &str) -> Markup {
    let positions = [
        ("", "Default (bottom right)"),
        ("bottom-right", "Bottom right"),
        ("bottom-left", "Bottom left"),
        ("bottom-center", "Bottom centre"),
        ("center", "Centre of the screen"),
    ];
    let branding = [
        ("", "Default (hidden)"),
        ("true", "Shown"),
        ("false", "Hidden"),
    ];
    html! {
        (field_select_at("position", "Position on wide screens (phones get a bottom sheet)", &format!("{path}.position"), &positions, ""))
        (text_input("accent", "Accent colour (CSS, e.g. #0a7d4f)", &format!("{path}.accent")))
        (text_input("logo", "Logo (https URL, shown beside the company name)", &format!("{path}.logo")))
        (field_select_at("branding", "\"Powered by survey-widget\" line", &format!("{path}.branding"), &branding, ""))
    }
}

pub(super) fn field_select(
    name: &str,
    label: &str,
    options: &[(&str, &str)],
    selected: &str,
) -> Markup {
    field_select_at(name, label, name, options, selected)
}

pub(super) fn field_select_at(
    name: &str,
    label: &str,
    path: &str,
    options: &[(&str, &str)],
    selected: &str,
) -> Markup {
    html! {
        div.field {
            label for=(field_id(name)) { (label) }
            select id=(field_id(name)) name=(name) data-path=(path) aria-describedby=(hint_id(name)) {
                @for (value, text) in options {
                    option value=(value) selected[*value == selected] { (text) }
                }
            }
            p.field-error id=(hint_id(name)) {}
        }
    }
}
