//! How findings name an Application: with its ApplicationSet and generator
//! element when it was generated. Needs the built [`Model`] (the sets), so
//! it lives apart from the types the model is built from.

use super::{App, Model, Origin};
use crate::diagnostic::Diagnostic;
use crate::yaml::Span;

impl App {
    /// "Application web" / "Application web (ApplicationSet apps, element {env: prod})".
    pub fn describe(&self, model: &Model) -> String {
        let name = self.display_name();
        match &self.origin {
            Origin::Object => format!("Application {name}"),
            Origin::Generated { appset, element } => format!(
                "Application {name} (ApplicationSet {}, {})",
                model.appsets[*appset].name, element.label
            ),
            Origin::Template { appset } => format!(
                "the template of ApplicationSet {}",
                model.appsets[*appset].name
            ),
        }
    }

    /// Secondary locations naming the Application (and ApplicationSet element).
    pub fn related(&self, model: &Model) -> Vec<(Span, String)> {
        match &self.origin {
            Origin::Object => vec![(self.anchor, format!("Application {}", self.display_name()))],
            Origin::Template { appset } => {
                let set = &model.appsets[*appset];
                vec![(set.anchor, format!("ApplicationSet {}", set.name))]
            }
            Origin::Generated { appset, element } => {
                let set = &model.appsets[*appset];
                vec![
                    (set.anchor, format!("ApplicationSet {}", set.name)),
                    (
                        element.span,
                        format!("{} generates Application {}", element.label, self.name),
                    ),
                ]
            }
        }
    }

    /// Attach [`App::related`] to a finding.
    pub fn relate(&self, model: &Model, mut d: Diagnostic) -> Diagnostic {
        for (span, label) in self.related(model) {
            if span != d.span {
                d = d.with_related(span, label);
            }
        }
        d
    }
}
