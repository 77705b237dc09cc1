//! "Copy as": the request as a curl, HTTPie or awscurl command.
//!
//! Exports start from the *unsigned* request (a signature expires in minutes
//! and would leak an access key id). SigV4 becomes the tool's own signing
//! with credentials read from the environment (`$AWS_ACCESS_KEY_ID`...),
//! and by default a JWT or API key becomes `$GATESCOPE_TOKEN` /
//! `$GATESCOPE_API_KEY` too, so no export ever holds a literal secret
//! unless asked for ([`ExportOptions::literal_secrets`]).
//! Every argument goes through [`super::shell`], so any byte round-trips.

use super::shell::{body_arg, printf_command, quote};
use crate::domain::{AuthMode, HttpRequest, header};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Curl,
    Httpie,
    Awscurl,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 3] = [
        ExportFormat::Curl,
        ExportFormat::Httpie,
        ExportFormat::Awscurl,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Curl => "curl",
            ExportFormat::Httpie => "HTTPie",
            ExportFormat::Awscurl => "awscurl",
        }
    }
}

/// Environment variables an export refers to instead of literal secrets.
pub const TOKEN_VAR: &str = "GATESCOPE_TOKEN";
pub const API_KEY_VAR: &str = "GATESCOPE_API_KEY";

#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// The SigV4 signing region (the auth mode's, the host's, or `--region`).
    pub region: Option<String>,
    /// Put the JWT / API key in the command instead of an environment
    /// variable reference. Off by default; SigV4 credentials are never literal.
    pub literal_secrets: bool,
}

/// The command for `req` (unsigned) with `auth`.
pub fn export(
    format: ExportFormat,
    req: &HttpRequest,
    auth: &AuthMode,
    opts: &ExportOptions,
) -> String {
    match format {
        ExportFormat::Curl => curl(req, auth, opts),
        ExportFormat::Httpie => httpie(req, auth, opts),
        ExportFormat::Awscurl => awscurl(req, auth, opts),
    }
}

/// Auth as an extra header, either literal or as an env var reference (in
/// double quotes so the shell expands it).
fn auth_header(auth: &AuthMode, opts: &ExportOptions) -> Option<String> {
    let (name, prefix, secret, var) = match auth {
        AuthMode::Jwt { token } if !token.trim().is_empty() => {
            let t = token.trim();
            (
                "Authorization",
                "Bearer ",
                t.strip_prefix("Bearer ").unwrap_or(t),
                TOKEN_VAR,
            )
        }
        AuthMode::ApiKey { key } if !key.trim().is_empty() => {
            ("x-api-key", "", key.trim(), API_KEY_VAR)
        }
        _ => return None,
    };
    Some(if opts.literal_secrets {
        quote(&format!("{name}: {prefix}{secret}"))
    } else {
        format!("\"{name}: {prefix}${var}\"")
    })
}

fn region(opts: &ExportOptions, auth: &AuthMode) -> String {
    match auth {
        AuthMode::Sigv4 { region: Some(r) } if !r.is_empty() => r.clone(),
        _ => opts.region.clone().unwrap_or_else(|| "us-east-1".into()),
    }
}

/// Assemble `parts` into one command, with a `printf ... |` prefix when the
/// body has to come through stdin.
fn assemble(stdin: Option<&[u8]>, parts: Vec<String>) -> String {
    let cmd = parts.join(" ");
    match stdin {
        Some(body) => format!("{} | {cmd}", printf_command(body)),
        None => cmd,
    }
}

pub fn curl(req: &HttpRequest, auth: &AuthMode, opts: &ExportOptions) -> String {
    let mut p = vec!["curl".to_string()];
    let has_body = !req.body.is_empty();
    let implied = if has_body { "POST" } else { "GET" };
    if req.method != implied {
        p.push("-X".into());
        p.push(quote(&req.method));
    }
    if req.url.contains(['[', ']', '{', '}']) {
        p.push("--globoff".into());
    }
    p.push(quote(&req.url));
    if let AuthMode::Sigv4 { .. } = auth {
        p.push("--aws-sigv4".into());
        p.push(quote(&format!(
            "aws:amz:{}:execute-api",
            region(opts, auth)
        )));
        p.push("--user".into());
        p.push("\"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\"".into());
        // With no session token the value is empty and curl drops the header.
        p.push("-H".into());
        p.push("\"x-amz-security-token: $AWS_SESSION_TOKEN\"".into());
    }
    for (k, v) in &req.headers {
        p.push("-H".into());
        // `name;` is curl's way to send a header with an empty value.
        p.push(quote(&if v.is_empty() {
            format!("{k};")
        } else {
            format!("{k}: {v}")
        }));
    }
    if let Some(h) = auth_header(auth, opts) {
        p.push("-H".into());
        p.push(h);
    }
    let mut stdin = None;
    if has_body {
        if header(&req.headers, "content-type").is_none() {
            // curl would otherwise add application/x-www-form-urlencoded.
            p.push("-H".into());
            p.push("'content-type:'".into());
        }
        p.push("--data-binary".into());
        match body_arg(&req.body) {
            // `@` starts a file name for curl: such bodies go through stdin.
            Some(arg) if !req.body.starts_with(b"@") => p.push(arg),
            _ => {
                p.push("@-".into());
                stdin = Some(req.body.as_slice());
            }
        }
    }
    assemble(stdin, p)
}

pub fn httpie(req: &HttpRequest, auth: &AuthMode, opts: &ExportOptions) -> String {
    let mut p = vec!["http".to_string()];
    if let AuthMode::Sigv4 { .. } = auth {
        // The httpie-aws-authv4 plugin; it reads the standard credential chain.
        p.push("--auth-type".into());
        p.push("aws4".into());
        p.push("--auth".into());
        p.push(quote(&format!(
            "service=execute-api,region={}",
            region(opts, auth)
        )));
    }
    let has_body = !req.body.is_empty();
    let mut stdin = None;
    if has_body {
        match body_arg(&req.body) {
            Some(arg) => {
                p.push("--raw".into());
                p.push(arg);
            }
            None => stdin = Some(req.body.as_slice()),
        }
    } else {
        // Without this, HTTPie waits for a body on a non-terminal stdin.
        p.push("--ignore-stdin".into());
    }
    p.push(quote(&req.method));
    p.push(quote(&req.url));
    for (k, v) in &req.headers {
        // `name;` sends an empty header in HTTPie as in curl.
        p.push(quote(&if v.is_empty() {
            format!("{k};")
        } else {
            format!("{k}:{v}")
        }));
    }
    if let Some(h) = auth_header(auth, opts) {
        // HTTPie items are `name:value` (no space needed, but allowed).
        p.push(h);
    }
    assemble(stdin, p)
}

pub fn awscurl(req: &HttpRequest, auth: &AuthMode, opts: &ExportOptions) -> String {
    let mut p = vec![
        "awscurl".to_string(),
        "--service".into(),
        "execute-api".into(),
        "--region".into(),
        quote(&region(opts, auth)),
        "-X".into(),
        quote(&req.method),
    ];
    for (k, v) in &req.headers {
        p.push("-H".into());
        p.push(quote(&format!("{k}: {v}")));
    }
    if let Some(h) = auth_header(auth, opts) {
        p.push("-H".into());
        p.push(h);
    }
    let mut stdin = None;
    if !req.body.is_empty() {
        p.push("--data-binary".into());
        p.push("-d".into());
        match body_arg(&req.body) {
            Some(arg) if !req.body.starts_with(b"@") => p.push(arg),
            _ => {
                p.push("@/dev/stdin".into());
                stdin = Some(req.body.as_slice());
            }
        }
    }
    p.push(quote(&req.url));
    assemble(stdin, p)
}

#[cfg(test)]
#[path = "export_tests.rs"]
mod tests;
