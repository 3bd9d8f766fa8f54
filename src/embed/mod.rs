//! How a page starts the widget: the script tag and the JS API (`window.SurveyWidget`, defined
//! by `loader/survey-widget.js`, which calls the functions exported by [`boot`]).

pub mod boot;
mod runtime;
