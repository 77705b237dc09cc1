//! The pages. Each file holds one page type implementing
//! [`crate::ui::page::Page`]. A page that can be opened with a `:` command
//! registers it in [`COMMANDS`] (one line each).

pub mod api_detail;
pub mod api_list;
pub mod api_tables;
pub mod authorizer_call;
pub mod authorizer_detail;
pub mod authorizer_event;
pub mod checks;
pub mod compose;
pub mod cors_view;
pub mod doctor;
pub mod health;
pub mod history;
pub mod logs;
pub mod messages;
pub mod policy_view;
pub mod response;
pub mod rest_detail;
pub mod rest_tables;
pub mod route_detail;
pub mod stage_detail;
pub mod tour;

use crate::ui::commands::CommandSpec;

/// `:` commands contributed by pages (the built-ins are in `ui::commands`).
/// Add one entry per command; `run` gets the arguments and a
/// [`crate::ui::commands::CommandCtx`] and returns effects (usually `Effect::Push`).
pub(crate) const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "send",
        aliases: &["compose"],
        usage: "[METHOD] [URL]",
        desc: "Compose a request to the route (or a URL); --origin O sets Origin",
        run: compose::commands::cmd_send,
    },
    CommandSpec {
        name: "doctor",
        aliases: &["lint"],
        usage: "",
        desc: "Lint the selected API's configuration",
        run: compose::commands::cmd_doctor,
    },
    CommandSpec {
        name: "logs",
        aliases: &["tail"],
        usage: "[STAGE] [REQUEST_ID]",
        desc: "Tail the selected API's logs, side by side",
        run: logs::open::cmd_logs,
    },
    CommandSpec {
        name: "health",
        aliases: &["triage"],
        usage: "[API_ID|all] [--since 1h]",
        desc: "What is failing now: routes, causes, functions",
        run: health::cmd_health,
    },
    CommandSpec {
        name: "history",
        aliases: &["hist"],
        usage: "[API id]",
        desc: "Sent and saved requests: reopen, resend, delete",
        run: history::commands::cmd_history,
    },
    CommandSpec {
        name: "save",
        aliases: &[],
        usage: "[COLLECTION/]NAME",
        desc: "Save this request by name (secrets redacted)",
        run: history::commands::cmd_save,
    },
    CommandSpec {
        name: "tour",
        aliases: &[],
        usage: "",
        desc: "The demo's guided tour: the keys of each step and what you see",
        run: tour::cmd_tour,
    },
    CommandSpec {
        name: "messages",
        aliases: &["msg"],
        usage: "",
        desc: "Every status message of this session in full, newest first",
        run: messages::cmd_messages,
    },
];
