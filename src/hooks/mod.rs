//! The trigger pipelines: Auth0's Login flow offline, and the registration and password-change
//! flows.
//!
//! Each entry of `triggers.<trigger>` in the fixtures becomes one [`PostLoginHook`]; a
//! trigger's pipeline runs them in order (post-login's on every login that issues user tokens),
//! giving each the same [`Event`] Auth0 gives Actions and collecting what they do through an
//! [`Api`] modelled on Auth0's `api` object. A Rust user embedding the mock implements the trait to add their own.

mod action;
mod api;
mod claims;
mod console;
mod event;
mod exchange;
mod hasura_claims;
mod hasura_sync;
mod hook;
mod local;
mod outbound;
mod pipeline;
mod record;
mod redirect;
mod sample_event;
mod webhook;

pub use api::{Api, BodyCut, Effects, OutboundCall};
pub use claims::{is_restricted_claim, restricted_reason};
pub use console::ConsoleCut;
pub use event::Event;
pub use hook::{HookError, PostLoginHook};
pub use local::{IN_PROCESS_HEADER, LocalReply, LocalService, Outbound};
pub use outbound::{MAX_RESPONSE_BYTES, OutboundError, OutboundRequest, OutboundResponse};
pub use pipeline::{Paused, Pipeline, PipelineResult, Pipelines, Start};
pub use record::{HookOutcome, HookRecord, HookRecords};
pub use redirect::{Redirect, encode_token, validate_token};
pub(crate) use sample_event::{merge as merge_event, sample as sample_event};
