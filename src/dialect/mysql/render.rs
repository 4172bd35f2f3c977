//! Rendering portable operations as mysql SQL.

use crate::dialect::RenderError;
use crate::diff::Op;
use crate::schema::{Schema, Type};

/// The mysql spelling of a portable type.
pub(super) fn render_type(ty: &Type) -> String {
    ty.to_string()
}

/// The statements that carry out `op` on a database whose schema is `before`.
pub(super) fn render(op: &Op, _before: &Schema) -> Result<Vec<String>, RenderError> {
    Err(RenderError::Unsupported(format!(
        "{op:?} is not rendered for mysql yet"
    )))
}
