//! HTML of the account pages: sign-up, the password reset form and the pages that say how a
//! link went. Field names and ids are Universal Login's (`#email`, `#username`, `#password`,
//! `#password-reset`, `#re-enter-password`, errors in `#error-element-<field>`), so browser
//! tests written against Auth0 find them. Every dynamic value is escaped.

use super::pages::page;
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

/// Which input an error belongs to, so it shows under that field as Universal Login does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Email,
    Username,
    Password,
    Phone,
    Code,
}

impl Field {
    /// The input's id and name.
    pub(crate) fn id(self) -> &'static str {
        match self {
            Field::Email => "email",
            Field::Username => "username",
            Field::Password => "password",
            Field::Phone => "phone_number",
            Field::Code => "code",
        }
    }
}

/// An error shown on a form: the field it belongs to and the sentence.
pub(crate) struct FormError<'a> {
    pub field: Field,
    pub message: &'a str,
    /// Lines listed under the message (the password rules not met).
    pub details: &'a [String],
}

fn error_html(error: Option<&FormError<'_>>, field: Field) -> String {
    let Some(e) = error.filter(|e| e.field == field) else {
        return String::new();
    };
    let details: String = e
        .details
        .iter()
        .map(|d| format!("<li>{}</li>", text(d)))
        .collect();
    let details = if details.is_empty() {
        String::new()
    } else {
        format!("<ul class=\"hints\">{details}</ul>")
    };
    format!(
        "<div class=\"error\" role=\"alert\" id=\"error-element-{}\">{}{details}</div>",
        field.id(),
        text(e.message)
    )
}

/// The password rules under "Your password must contain:", or nothing without rules.
fn hints_html(hints: &[String]) -> String {
    if hints.is_empty() {
        return String::new();
    }
    let items: String = hints
        .iter()
        .map(|h| format!("<li>{}</li>", text(h)))
        .collect();
    format!(
        "<ul class=\"hints\" id=\"password-policy\"><li>Your password must contain:</li>{items}</ul>"
    )
}

/// What the sign-up page shows.
pub(crate) struct SignupForm<'a> {
    pub action: &'a str,
    pub login_href: &'a str,
    pub client_name: &'a str,
    pub tenant_name: &'a str,
    pub email: &'a str,
    /// `Some` when the connection requires a username (its value so far).
    pub username: Option<&'a str>,
    /// The password rules, listed under the password field.
    pub hints: &'a [String],
    pub error: Option<FormError<'a>>,
}

/// The sign-up page at `/u/signup`.
pub(crate) fn signup_page(f: &SignupForm<'_>) -> String {
    let e = f.error.as_ref();
    let username = match f.username {
        Some(value) => format!(
            "<label for=\"username\">Username</label>{}\
             <input type=\"text\" id=\"username\" name=\"username\" value=\"{}\" autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" required>",
            error_html(e, Field::Username),
            attr(value)
        ),
        None => String::new(),
    };
    let hints = hints_html(f.hints);
    let body = format!(
        "<div class=\"logo\">A0</div><h1>Create Your Account</h1><p class=\"sub\">Sign up to {tenant} to continue to {client}.</p>\
         <form method=\"post\" action=\"{action}\" id=\"signup-form\">\
         <label for=\"email\">Email address</label>{email_error}\
         <input type=\"email\" id=\"email\" name=\"email\" value=\"{email}\" autocomplete=\"email\" autocapitalize=\"none\" spellcheck=\"false\" required autofocus>\
         {username}\
         <label for=\"password\">Password</label>{password_error}\
         <input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"new-password\" required>{hints}\
         <button type=\"submit\" class=\"primary\" name=\"action\" value=\"default\">Continue</button></form>\
         <p class=\"switch\">Already have an account? <a href=\"{login}\" id=\"login-link\">Log in</a></p>\
         <footer>auth0-mock &middot; offline test tenant &middot; never use these credentials in production</footer>",
        tenant = text(f.tenant_name),
        client = text(f.client_name),
        action = attr(f.action),
        email_error = error_html(e, Field::Email),
        email = attr(f.email),
        password_error = error_html(e, Field::Password),
        login = attr(f.login_href),
    );
    page("Sign up | auth0-mock", &body)
}

/// The reset form at `/u/reset-password/change`.
pub(crate) fn reset_page(
    action: &str,
    email: &str,
    hints: &[String],
    error: Option<&FormError<'_>>,
) -> String {
    let hints = hints_html(hints);
    let body = format!(
        "<div class=\"logo\">A0</div><h1>Change Your Password</h1><p class=\"sub\">Enter a new password for {email}.</p>\
         <form method=\"post\" action=\"{action}\" id=\"reset-form\">{error}\
         <label for=\"password-reset\">New password</label>\
         <input type=\"password\" id=\"password-reset\" name=\"password-reset\" autocomplete=\"new-password\" required autofocus>\
         <label for=\"re-enter-password\">Re-enter new password</label>\
         <input type=\"password\" id=\"re-enter-password\" name=\"re-enter-password\" autocomplete=\"new-password\" required>{hints}\
         <button type=\"submit\" class=\"primary\" name=\"action\" value=\"default\">Reset password</button></form>",
        email = text(email),
        action = attr(action),
        error = error_html(error, Field::Password),
    );
    page("Change Your Password | auth0-mock", &body)
}

/// The first passwordless screen: the email address (`#email`) or phone number
/// (`#phone_number`) the code goes to.
pub(crate) fn passwordless_identifier_page(
    action: &str,
    field: Field,
    value: &str,
    tenant_name: &str,
    error: Option<&FormError<'_>>,
) -> String {
    let (label, kind, autocomplete) = match field {
        Field::Phone => ("Phone number", "tel", "tel"),
        _ => ("Email address", "email", "email"),
    };
    let body = format!(
        "<div class=\"logo\">A0</div><h1>Welcome</h1><p class=\"sub\">Log in to {tenant} with a one-time code.</p>\
         <form method=\"post\" action=\"{action}\" id=\"passwordless-form\">\
         <label for=\"{id}\">{label}</label>{error}\
         <input type=\"{kind}\" id=\"{id}\" name=\"{id}\" value=\"{value}\" autocomplete=\"{autocomplete}\" required autofocus>\
         <button type=\"submit\" class=\"primary\" name=\"action\" value=\"default\">Continue</button></form>",
        tenant = text(tenant_name),
        action = attr(action),
        id = field.id(),
        error = error_html(error, field),
        value = attr(value),
    );
    page("Log in | auth0-mock", &body)
}

/// The code screen (`#code`), after a code went to `recipient`.
pub(crate) fn passwordless_code_page(
    action: &str,
    recipient: &str,
    digits: usize,
    error: Option<&FormError<'_>>,
) -> String {
    let body = format!(
        "<div class=\"logo\">A0</div><h1>Verify Your Identity</h1><p class=\"sub\">We've sent a {digits}-digit code to {recipient}.</p>\
         <form method=\"post\" action=\"{action}\" id=\"code-form\">\
         <label for=\"code\">Enter the {digits}-digit code</label>{error}\
         <input type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required autofocus>\
         <button type=\"submit\" class=\"primary\" name=\"action\" value=\"default\">Continue</button></form>",
        recipient = text(recipient),
        action = attr(action),
        error = error_html(error, Field::Code),
    );
    page("Verify | auth0-mock", &body)
}

/// A page that only says how something went ("Password Changed!", "Email Verified"), with an
/// optional link on.
pub(crate) fn notice_page(title: &str, message: &str, link: Option<(&str, &str)>) -> String {
    let link = link
        .map(|(href, label)| {
            format!(
                "<p class=\"switch\"><a href=\"{}\" id=\"continue-link\">{}</a></p>",
                attr(href),
                text(label)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<div class=\"logo\">A0</div><h1 id=\"notice-title\">{}</h1><p class=\"sub\" id=\"notice-message\">{}</p>{link}",
        text(title),
        text(message)
    );
    page(&format!("{title} | auth0-mock"), &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(username: Option<&'a str>, error: Option<FormError<'a>>) -> SignupForm<'a> {
        SignupForm {
            action: "/u/signup?state=x",
            login_href: "/u/login?state=x",
            client_name: "App",
            tenant_name: "T",
            email: "a\"b@example.com",
            username,
            hints: &[],
            error,
        }
    }

    #[test]
    fn the_signup_page_has_universal_login_fields() {
        let html = signup_page(&form(None, None));
        assert!(html.contains("id=\"email\" name=\"email\""));
        assert!(html.contains("id=\"password\" name=\"password\""));
        assert!(html.contains("name=\"action\" value=\"default\""));
        assert!(!html.contains("id=\"username\""));
        assert!(!html.contains("a\"b"), "values are escaped");
    }

    #[test]
    fn the_signup_page_asks_for_a_username_when_the_connection_requires_one() {
        let html = signup_page(&form(Some("ann"), None));
        assert!(html.contains("id=\"username\" name=\"username\" value=\"ann\""));
    }

    #[test]
    fn an_error_shows_under_its_field() {
        let error = FormError {
            field: Field::Email,
            message: "The user already exists.",
            details: &[],
        };
        let html = signup_page(&form(None, Some(error)));
        assert!(html.contains("id=\"error-element-email\">The user already exists."));
        assert!(!html.contains("error-element-password"));
    }

    #[test]
    fn the_reset_page_has_universal_login_fields() {
        let html = reset_page(
            "/u/reset-password/change?ticket=t",
            "a@example.com",
            &[],
            None,
        );
        assert!(html.contains("name=\"password-reset\""));
        assert!(html.contains("name=\"re-enter-password\""));
    }
}
