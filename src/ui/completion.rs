//! Tab in the `:` command bar: command names, then each command's
//! arguments (stages, API ids, routes, profiles from the AWS config files,
//! regions, collections). [`complete`] is pure; [`Candidates::gather`]
//! collects what the current screen and the machine offer.

use super::commands;
use super::page::Selection;
use super::shared::Shared;

/// Regions offered by `:region` (the commercial partition's; any other
/// name can still be typed).
pub(crate) const REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// What the arguments of each command can be, for the current screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Candidates {
    /// Stages of the selected API (`:logs`).
    pub stages: Vec<String>,
    /// Every API id in the inventory (`:history`).
    pub api_ids: Vec<String>,
    /// Route paths of the selected API, e.g. `/orders/{id}` (`:send GET`).
    pub routes: Vec<String>,
    /// Profiles named in the AWS config and credentials files (`:profile`).
    pub profiles: Vec<String>,
    /// Saved collections (`:save COLLECTION/NAME`).
    pub collections: Vec<String>,
}

impl Candidates {
    /// Read what the screen points at; profile and collection names come
    /// from small files, read only when Tab is pressed on that command.
    pub(crate) fn gather(line: &str, selection: &Selection, shared: &Shared) -> Candidates {
        let command = line.split_whitespace().next().unwrap_or("");
        let command = commands::find(command).map_or(command, |c| c.name);
        let api = selection
            .api_id
            .as_deref()
            .and_then(|id| shared.inventory.api(id));
        let mut c = Candidates {
            api_ids: shared.inventory.apis.iter().map(|a| a.id.clone()).collect(),
            ..Default::default()
        };
        if let Some(api) = api {
            c.stages = api.stages.iter().map(|s| s.stage_name.clone()).collect();
            let mut routes: Vec<String> = api
                .routes
                .iter()
                .filter_map(|r| r.route_key.split_once(' ').map(|(_, p)| p.to_string()))
                .filter(|p| p.starts_with('/'))
                .collect();
            routes.sort();
            routes.dedup();
            c.routes = routes;
        }
        match command {
            "profile" => c.profiles = aws_profiles(),
            "save" => c.collections = crate::store::collections::Collection::names(),
            _ => {}
        }
        c
    }
}

/// The result of one Tab press.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The new command line (unchanged when nothing matched).
    pub line: String,
    /// The choices when more than one remains (shown in the status line).
    pub choices: Vec<String>,
}

/// Complete the last word of `line` (a command name, or an argument of the
/// command named first). One match is completed with a trailing space;
/// several are completed to their common prefix and listed.
pub fn complete(line: &str, c: &Candidates) -> Completion {
    let ends_with_space = line.ends_with(char::is_whitespace);
    let words: Vec<&str> = line.split_whitespace().collect();
    let (done, partial): (&[&str], &str) = match words.split_last() {
        Some((last, rest)) if !ends_with_space => (rest, last),
        _ => (&words[..], ""),
    };
    let options: Vec<String> = if done.is_empty() {
        commands::all().map(|s| s.name.to_string()).collect()
    } else {
        let name = commands::find(done[0]).map_or(done[0], |s| s.name);
        let arg_no = done.len() - 1;
        argument_options(name, arg_no, done, c)
    };
    let mut matches: Vec<String> = options
        .into_iter()
        .filter(|o| o.starts_with(partial))
        .collect();
    matches.dedup();
    let prefix: String = done.iter().map(|w| format!("{w} ")).collect();
    match matches.as_slice() {
        [] => Completion {
            line: line.to_string(),
            choices: vec![],
        },
        [only] => {
            // `:save COLLECTION/` goes on with the request's name.
            let space = if only.ends_with('/') { "" } else { " " };
            Completion {
                line: format!("{prefix}{only}{space}"),
                choices: vec![],
            }
        }
        many => {
            let common = common_prefix(many);
            let grown = if common.len() > partial.len() {
                common
            } else {
                partial.to_string()
            };
            Completion {
                line: format!("{prefix}{grown}"),
                choices: many.to_vec(),
            }
        }
    }
}

fn argument_options(name: &str, arg_no: usize, done: &[&str], c: &Candidates) -> Vec<String> {
    let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match (name, arg_no) {
        ("region", 0) => owned(REGIONS),
        ("profile", 0) => c.profiles.clone(),
        ("logs", 0) => c.stages.clone(),
        ("history", 0) => c.api_ids.clone(),
        ("save", 0) => c.collections.iter().map(|n| format!("{n}/")).collect(),
        ("send", 0) => owned(METHODS),
        ("send", 1) if METHODS.contains(&done[1].to_ascii_uppercase().as_str()) => c.routes.clone(),
        _ => vec![],
    }
}

fn common_prefix(words: &[String]) -> String {
    let first = &words[0];
    let mut end = first.len();
    for w in &words[1..] {
        end = first
            .char_indices()
            .zip(w.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(end);
    }
    first[..end].to_string()
}

/// Profile names from `~/.aws/config` (`[profile x]`, `[default]`) and
/// `~/.aws/credentials` (`[x]`), or the files `AWS_CONFIG_FILE` /
/// `AWS_SHARED_CREDENTIALS_FILE` name.
pub(crate) fn aws_profiles() -> Vec<String> {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let path = |var: &str, file: &str| {
        std::env::var_os(var)
            .map(std::path::PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".aws").join(file)))
    };
    let mut names = Vec::new();
    for (p, is_config) in [
        (path("AWS_CONFIG_FILE", "config"), true),
        (path("AWS_SHARED_CREDENTIALS_FILE", "credentials"), false),
    ] {
        let Some(p) = p else { continue };
        // Config files are small; a huge one is not a config file.
        let Ok(meta) = std::fs::metadata(&p) else {
            continue;
        };
        if meta.len() > 1024 * 1024 {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(&p) {
            names.extend(profile_names(&text, is_config));
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Section names of an AWS config (`is_config`) or credentials file.
pub(crate) fn profile_names(text: &str, is_config: bool) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim();
            let inner = l.strip_prefix('[')?.strip_suffix(']')?.trim();
            if !is_config {
                return Some(inner.to_string());
            }
            if inner == "default" {
                return Some(inner.to_string());
            }
            // `[sso-session x]` and `[services x]` are not profiles.
            inner
                .strip_prefix("profile")
                .filter(|r| r.starts_with(char::is_whitespace))
                .map(|r| r.trim().to_string())
        })
        .filter(|n| !n.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cands() -> Candidates {
        Candidates {
            stages: vec!["prod".into(), "staging".into()],
            api_ids: vec!["a1b2c3".into(), "a1zz99".into()],
            routes: vec!["/orders".into(), "/orders/{id}".into()],
            profiles: vec!["default".into(), "prod-admin".into()],
            collections: vec!["default".into(), "smoke".into()],
        }
    }

    #[test]
    fn command_names_then_arguments() {
        let c = cands();
        assert_eq!(complete("reg", &c).line, "region ");
        assert_eq!(complete("region eu-west-", &c).line, "region eu-west-");
        assert_eq!(
            complete("region eu-west-", &c).choices,
            vec!["eu-west-1", "eu-west-2", "eu-west-3"]
        );
        assert_eq!(complete("region us-east-2", &c).line, "region us-east-2 ");
        assert_eq!(complete("logs s", &c).line, "logs staging ");
        assert_eq!(complete("logs ", &c).choices, vec!["prod", "staging"]);
        assert_eq!(complete("history a1", &c).line, "history a1");
        assert_eq!(complete("history a1b", &c).line, "history a1b2c3 ");
        assert_eq!(complete("profile prod", &c).line, "profile prod-admin ");
        assert_eq!(complete("save sm", &c).line, "save smoke/");
        assert_eq!(complete("send po", &c).line, "send po");
        assert_eq!(complete("send PO", &c).line, "send POST ");
        assert_eq!(
            complete("send POST /orders/", &c).line,
            "send POST /orders/{id} "
        );
        assert_eq!(complete("send POST /o", &c).line, "send POST /orders");
        // Nothing to offer: the line stays as typed.
        assert_eq!(complete("doctor x", &c).line, "doctor x");
        assert_eq!(complete("nosuch", &c).line, "nosuch");
    }

    #[test]
    fn profiles_from_config_and_credentials() {
        let config = "[default]\nregion=eu-west-1\n[profile dev]\n[sso-session corp]\n[services s]\n[ profile  ops ]\n";
        assert_eq!(profile_names(config, true), vec!["default", "dev", "ops"]);
        assert_eq!(
            profile_names("[default]\n[ci]\naws_access_key_id=x\n", false),
            vec!["default", "ci"]
        );
    }
}
