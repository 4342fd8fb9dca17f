//! HTML the mock renders: the login page (Universal Login's field names, no CDN assets), Auth0's
//! error page, and the `form_post` / `web_message` response pages. Every dynamic value is escaped.

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use serde_json::Value;

const STYLE: &str = r#"
*{box-sizing:border-box}body{margin:0;padding:24px 0;min-height:100vh;display:flex;align-items:center;justify-content:center;
background:#f0f2f5;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Ubuntu,sans-serif;color:#1e212a}
main{background:#fff;width:400px;max-width:94vw;border-radius:6px;box-shadow:0 12px 40px rgba(0,0,0,.12);padding:40px 40px 28px}
.logo{width:52px;height:52px;border-radius:50%;background:#635dff;color:#fff;display:flex;align-items:center;justify-content:center;
font-weight:700;font-size:20px;margin:0 auto 18px}h1{font-size:24px;font-weight:400;text-align:center;margin:0 0 6px}
p.sub{text-align:center;color:#65676e;font-size:14px;margin:0 0 24px}label{display:block;font-size:13px;color:#65676e;margin:14px 0 6px}
input{width:100%;padding:14px 16px;font-size:16px;border:1px solid #c9cace;border-radius:3px;outline:none}
input:focus{border-color:#635dff;box-shadow:0 0 0 1px #635dff}button{cursor:pointer;font:inherit}
button.primary{width:100%;margin-top:24px;padding:14px;background:#635dff;color:#fff;border:0;border-radius:3px;font-size:16px}
button.primary:hover{background:#5048e5}.error{background:#fdecec;border-left:3px solid #d03c38;color:#a4241f;padding:10px 12px;
font-size:14px;margin-bottom:8px}.divider{display:flex;align-items:center;color:#65676e;font-size:12px;margin:26px 0 12px;text-transform:uppercase}
.divider:before,.divider:after{content:"";flex:1;border-top:1px solid #e3e4e6}.divider span{padding:0 10px}
ul.users{list-style:none;margin:0;padding:0}ul.users form{margin:0}button.user-login{display:flex;align-items:center;width:100%;gap:12px;
background:#fff;border:1px solid #e3e4e6;border-radius:3px;padding:10px 12px;margin:6px 0;text-align:left}
button.user-login:hover{border-color:#635dff;background:#f7f7ff}.avatar{width:32px;height:32px;border-radius:50%;background:#e8e7ff;
color:#4b45c4;display:flex;align-items:center;justify-content:center;font-weight:600;font-size:13px;flex:none}
.who{display:flex;flex-direction:column;font-size:14px}p.switch{text-align:center;font-size:14px;margin:18px 0 0}p.switch a,button.link{color:#635dff}button.link{background:none;border:0;padding:0;font-size:14px}.notice{background:#eef7ee;border-left:3px solid #2e8540;color:#1e5e2c;padding:10px 12px;font-size:14px;margin-bottom:8px}ul.hints{font-size:13px;color:#65676e;margin:8px 0 0;padding-left:18px}.who small{color:#65676e;font-size:12px}.roles{margin-left:auto;font-size:11px;color:#65676e}
footer{margin-top:22px;text-align:center;font-size:11px;color:#9a9ca3}code{font-size:12px}
"#;

/// A whole page in the login page's style.
pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        text(title)
    )
}

/// The login page's other ways in besides the password form.
pub struct OtherWays<'a> {
    /// The sign-up link, where sign-up is open.
    pub signup: Option<&'a str>,
    /// "Continue with …" buttons: (connection, provider label, link).
    pub social: &'a [(String, String, String)],
}

/// A user shown in the one-click list of the login page.
pub struct ListedUser {
    /// Login name (email or username).
    pub login: String,
    /// Display name.
    pub name: String,
    /// Role names.
    pub roles: Vec<String>,
}

/// The login page at `/u/login`, with Universal Login's field names so browser tests written
/// against Auth0 keep working, and a one-click list of the tenant's users.
pub fn login_page(
    action: &str,
    client_name: &str,
    tenant_name: &str,
    prefill: &str,
    error: Option<&str>,
    users: &[ListedUser],
    links: &OtherWays<'_>,
) -> String {
    let signup_href = links.signup;
    let social: String = links
        .social
        .iter()
        .map(|(name, label, href)| {
            format!(
                "<p class=\"switch\"><a class=\"social\" id=\"social-{id}\" data-connection=\"{id}\" href=\"{href}\">Continue with {label}</a></p>",
                id = attr(name),
                href = attr(href),
                label = text(label),
            )
        })
        .collect();
    let error_html = error
        .map(|e| {
            format!(
                "<div class=\"error\" role=\"alert\" id=\"error-element-password\">{}</div>",
                text(e)
            )
        })
        .unwrap_or_default();
    let mut list = String::new();
    if !users.is_empty() {
        list.push_str(
            "<div class=\"divider\"><span>or pick a test user</span></div><ul class=\"users\">",
        );
        for u in users {
            let initials: String = u
                .name
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .take(2)
                .collect::<String>()
                .to_uppercase();
            list.push_str(&format!(
                "<li><form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"username\" value=\"{login}\">\
                 <button type=\"submit\" class=\"user-login\" name=\"action\" value=\"pick\" data-username=\"{login}\">\
                 <span class=\"avatar\">{initials}</span><span class=\"who\">{name}<small>{login_text}</small></span>\
                 <span class=\"roles\">{roles}</span></button></form></li>",
                action = attr(action),
                login = attr(&u.login),
                initials = text(&initials),
                name = text(&u.name),
                login_text = text(&u.login),
                roles = text(&u.roles.join(", ")),
            ));
        }
        list.push_str("</ul>");
    }
    let body = format!(
        "<div class=\"logo\">A0</div><h1>Welcome</h1><p class=\"sub\">Log in to {tenant} to continue to {client}.</p>{error_html}\
         <form method=\"post\" action=\"{action}\" id=\"login-form\">\
         <label for=\"username\">Email address</label>\
         <input type=\"text\" id=\"username\" name=\"username\" value=\"{prefill}\" autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" required autofocus>\
         <label for=\"password\">Password</label>\
         <input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
         <button type=\"submit\" class=\"primary\" name=\"action\" value=\"default\">Continue</button></form>{social}{signup}{list}\
         <footer>auth0-mock &middot; offline test tenant &middot; never use these credentials in production</footer>",
        tenant = text(tenant_name),
        client = text(client_name),
        action = attr(action),
        prefill = attr(prefill),
        signup = signup_href
            .map(|h| format!(
                "<p class=\"switch\">Don't have an account? <a href=\"{}\" id=\"signup-link\">Sign up</a></p>",
                attr(h)
            ))
            .unwrap_or_default(),
    );
    page("Log in | auth0-mock", &body)
}

/// Auth0's error page, for requests whose callback cannot be trusted.
pub fn error_page(error: &str, description: &str) -> String {
    let body = format!(
        "<div class=\"logo\">!</div><h1>Oops!, something went wrong</h1><p class=\"sub\">There could be a misconfiguration in the system or a service outage.</p>\
         <div class=\"error\" id=\"error\"><strong>{}</strong>: <span id=\"error-description\">{}</span></div>",
        text(error),
        text(description)
    );
    page("Error | auth0-mock", &body)
}

/// The `form_post` response: an auto-submitting form to the callback.
pub fn form_post(redirect_uri: &str, params: &[(String, String)]) -> String {
    let inputs: String = params
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                attr(k),
                attr(v)
            )
        })
        .collect();
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Submit This Form</title></head>\
         <body onload=\"javascript:document.forms[0].submit()\"><form method=\"post\" action=\"{}\">{inputs}\
         <noscript><button type=\"submit\">Continue</button></noscript></form></body></html>",
        attr(redirect_uri)
    )
}

/// The `web_message` response: posts `authorization_response` to the opener or parent, from
/// the mock's own origin (spa-js checks `event.origin`), targeted at the callback's origin.
pub fn web_message(target_origin: &str, response: &Value) -> String {
    // JSON inside a <script>: escape `<` so no value can close the element.
    let data = serde_json::json!({ "type": "authorization_response", "response": response })
        .to_string()
        .replace('<', "\\u003c");
    let origin = serde_json::to_string(target_origin)
        .unwrap_or_else(|_| "\"*\"".into())
        .replace('<', "\\u003c");
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Authorization Response</title></head><body><script>\
         (function(){{var target=window.opener||window.parent;if(target&&target!==window){{target.postMessage({data},{origin});}}}})();\
         </script></body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_page_has_universal_login_fields_and_escapes() {
        let html = login_page(
            "/u/login?state=x",
            "<App>",
            "T",
            "a\"b",
            Some("Wrong email or password."),
            &[ListedUser {
                login: "alice@example.com".into(),
                name: "Alice".into(),
                roles: vec!["user".into()],
            }],
            &OtherWays {
                signup: Some("/u/signup?state=x"),
                social: &[(
                    "google-oauth2".into(),
                    "Google".into(),
                    "/mock-provider/google-oauth2?state=x".into(),
                )],
            },
        );
        assert!(html.contains("id=\"username\" name=\"username\""));
        assert!(
            html.contains("id=\"social-google-oauth2\"") && html.contains("Continue with Google")
        );
        assert!(html.contains("id=\"password\" name=\"password\""));
        assert!(
            html.contains("type=\"submit\" class=\"primary\" name=\"action\" value=\"default\"")
        );
        assert!(html.contains("data-username=\"alice@example.com\""));
        assert!(html.contains("&lt;App&gt;"));
        assert!(!html.contains("a\"b"));
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "no external assets"
        );
    }

    #[test]
    fn web_message_cannot_break_out_of_script() {
        let html = web_message(
            "http://localhost:3000",
            &serde_json::json!({"state": "</script><b>"}),
        );
        assert!(!html.contains("</script><b>"));
        assert!(html.contains("authorization_response"));
    }
}
