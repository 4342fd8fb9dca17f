//! The npm modules auth0-mock provides to Actions (`js/axios.js`, `js/auth0.js`), compiled to
//! bytecode once per process and loaded into a context only when its Action requires them:
//! most Actions use neither, and every run's fresh context must stay as cheap to make as it
//! was without them (measured with `cargo bench --bench actions`).

use rquickjs::{CatchResultExt, Context, Ctx, Exception, Function, Module, Runtime, WriteOptions};
use std::sync::OnceLock;

/// `(require name, source, the factory the file declares)`. Each file holds exactly that one
/// top-level function declaration.
const MODULES: &[(&str, &str, &str)] = &[
    ("axios", include_str!("js/axios.js"), "makeAxios"),
    ("auth0", include_str!("js/auth0.js"), "makeAuth0"),
];

type Compiled = Vec<(&'static str, Vec<u8>)>;

static BYTECODE: OnceLock<Result<Compiled, String>> = OnceLock::new();

/// Compiles every module (as an ES module exporting its factory) in a scratch context of `rt`
/// the first time; a syntax error in a bundled file is a startup error, not a login's.
pub(super) fn compile(rt: &Runtime) -> Result<(), String> {
    BYTECODE
        .get_or_init(|| {
            let ctx = Context::full(rt).map_err(|e| format!("cannot create a context: {e}"))?;
            ctx.with(|ctx| {
                MODULES
                    .iter()
                    .map(|(name, source, factory)| {
                        let module = format!("{source}\nexport default {factory};\n");
                        Module::declare(ctx.clone(), format!("auth0-mock:{name}.js"), module)
                            .and_then(|m| m.write(WriteOptions::default()))
                            .catch(&ctx)
                            .map(|bytes| (*name, bytes))
                            .map_err(|e| format!("auth0-mock's {name} module: {e}"))
                    })
                    .collect()
            })
        })
        .as_ref()
        .map(|_| ())
        .map_err(Clone::clone)
}

/// The factory of the bundled module `name` (`makeAxios`, `makeAuth0`), loaded into `ctx`.
pub(super) fn factory<'js>(ctx: &Ctx<'js>, name: &str) -> rquickjs::Result<Function<'js>> {
    let bytes = BYTECODE
        .get()
        .and_then(|r| r.as_ref().ok())
        .and_then(|all| all.iter().find(|(n, _)| *n == name))
        .map(|(_, b)| b.as_slice());
    let Some(bytes) = bytes else {
        return Err(Exception::throw_internal(
            ctx,
            &format!("auth0-mock has no bundled module '{name}'"),
        ));
    };
    // SAFETY: the bytes were produced by `Module::write` of this very QuickJS build in this
    // process and live in a static for the rest of it, as `JS_READ_OBJ_ROM_DATA` (used by
    // `load`) requires: the loaded functions keep pointing into the buffer.
    let module = unsafe { Module::load(ctx.clone(), bytes) }?;
    let (module, evaluated) = module.eval()?;
    evaluated.finish::<()>()?;
    module.get("default")
}
