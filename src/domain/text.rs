//! The rule every free-text field shares: trimmed, bounded, no control characters.
use super::FieldError;

/// `value` trimmed, refused when empty (if `required`), longer than `max` characters, or
/// holding control characters other than the line breaks and tabs `multi_line` allows.
pub fn bounded(
    field: &'static str,
    label: &str,
    value: &str,
    max: usize,
    required: bool,
    multi_line: bool,
) -> Result<String, FieldError> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(FieldError::new(field, format!("{label} is required.")));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("{label} must be at most {max} characters."),
        ));
    }
    let allowed = |c: char| multi_line && matches!(c, '\n' | '\r' | '\t');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(FieldError::new(
            field,
            format!("{label} may not hold control characters."),
        ));
    }
    Ok(value.to_owned())
}
