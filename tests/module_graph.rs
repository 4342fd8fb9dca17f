//! The crate's shape, checked: the graph of which source file uses which has no cycles, and the
//! tenant model depends on nothing above it. Data flows one way (request → endpoint → login →
//! hooks → minting → response); a cycle between files is where that stops being true.
//!
//! Every `src/` file reachable from `lib.rs` is parsed with `syn`; each path that starts with
//! `crate`, `super`, `self`, a child module or a `use` alias is resolved to the file of the
//! longest module prefix it names. A `mod x;` declaration is containment, not use.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// Modules the tenant model may use: they sit below it.
const BELOW_TENANT: &[&str] = &["error", "protocol", "util", "clock", "keys"];

struct Module {
    file: PathBuf,
    /// `crate::a::b` as `["a", "b"]`; the crate root is `[]`.
    path: Vec<String>,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every file module reachable from `lib.rs`, by module path.
fn modules() -> BTreeMap<Vec<String>, Module> {
    let mut out = BTreeMap::new();
    let mut todo = vec![(src_dir().join("lib.rs"), Vec::<String>::new())];
    while let Some((file, path)) = todo.pop() {
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let dir = child_dir(&file);
        for item in &ast.items {
            if let syn::Item::Mod(m) = item
                && m.content.is_none()
            {
                let name = m.ident.to_string();
                let explicit = m.attrs.iter().find_map(path_attr);
                let child = match explicit {
                    Some(p) => file.parent().unwrap().join(p),
                    None => {
                        let flat = dir.join(format!("{name}.rs"));
                        if flat.exists() {
                            flat
                        } else {
                            dir.join(&name).join("mod.rs")
                        }
                    }
                };
                let mut child_path = path.clone();
                child_path.push(name);
                todo.push((child, child_path));
            }
        }
        out.insert(path.clone(), Module { file, path });
    }
    out
}

fn path_attr(a: &syn::Attribute) -> Option<String> {
    if !a.path().is_ident("path") {
        return None;
    }
    match &a.meta {
        syn::Meta::NameValue(nv) => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}

/// Where the children of a file module live.
fn child_dir(file: &Path) -> PathBuf {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let parent = file.parent().unwrap().to_path_buf();
    if matches!(name, "lib.rs" | "mod.rs" | "main.rs") {
        parent
    } else {
        parent.join(name.trim_end_matches(".rs"))
    }
}

/// Collects the absolute module paths a file refers to.
struct Refs<'a> {
    /// The module of the file; inline modules push onto it.
    here: Vec<String>,
    /// Child module names of each module path.
    children: &'a HashMap<Vec<String>, BTreeSet<String>>,
    /// `use` aliases of the file: name → absolute path.
    aliases: HashMap<String, Vec<String>>,
    found: Vec<Vec<String>>,
}

impl Refs<'_> {
    /// Absolute path of `segments` as written in the current module, if it is crate-internal.
    fn absolute(&self, segments: &[String]) -> Option<Vec<String>> {
        let first = segments.first()?;
        let mut base: Vec<String>;
        let mut rest = segments;
        match first.as_str() {
            "crate" => {
                base = Vec::new();
                rest = &segments[1..];
            }
            "self" => {
                base = self.here.clone();
                rest = &segments[1..];
            }
            "super" => {
                base = self.here.clone();
                while rest.first().is_some_and(|s| s == "super") {
                    base.pop();
                    rest = &rest[1..];
                }
            }
            name => {
                if let Some(target) = self.aliases.get(name) {
                    base = target.clone();
                    rest = &segments[1..];
                } else if self
                    .children
                    .get(&self.here)
                    .is_some_and(|c| c.contains(name))
                {
                    base = self.here.clone();
                } else {
                    return None;
                }
            }
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    fn use_tree(&mut self, prefix: Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                let mut next = prefix;
                next.push(p.ident.to_string());
                self.use_tree(next, &p.tree);
            }
            syn::UseTree::Name(n) => {
                let mut full = prefix;
                let name = n.ident.to_string();
                // `use a::b::{self}` names `b`.
                let alias = if name == "self" {
                    full.last().cloned()
                } else {
                    full.push(name.clone());
                    Some(name)
                };
                self.record_use(full, alias);
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix;
                full.push(r.ident.to_string());
                self.record_use(full, Some(r.rename.to_string()));
            }
            syn::UseTree::Glob(_) => self.record_use(prefix, None),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix.clone(), t);
                }
            }
        }
    }

    fn record_use(&mut self, written: Vec<String>, alias: Option<String>) {
        if let Some(abs) = self.absolute(&written) {
            if let Some(alias) = alias {
                self.aliases.insert(alias, abs.clone());
            }
            self.found.push(abs);
        }
    }
}

impl<'ast> Visit<'ast> for Refs<'_> {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(Vec::new(), &u.tree);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if let Some((_, items)) = &m.content {
            self.here.push(m.ident.to_string());
            let saved = self.aliases.clone();
            for item in items {
                self.visit_item(item);
            }
            self.aliases = saved;
            self.here.pop();
        }
    }

    /// `pub(crate)` / `pub(super)` name a module but use nothing from it.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(abs) = self.absolute(&segments) {
            self.found.push(abs);
        }
        syn::visit::visit_path(self, p);
    }
}

/// The file of the longest module prefix of `path`.
fn owner<'m>(mods: &'m BTreeMap<Vec<String>, Module>, path: &[String]) -> Option<&'m Module> {
    (0..=path.len()).rev().find_map(|n| mods.get(&path[..n]))
}

fn rel(p: &Path) -> String {
    p.strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap_or(p)
        .display()
        .to_string()
}

/// File → files it uses.
fn graph() -> (
    BTreeMap<String, BTreeSet<String>>,
    BTreeMap<String, Vec<String>>,
) {
    let mods = modules();
    let mut children: HashMap<Vec<String>, BTreeSet<String>> = HashMap::new();
    for path in mods.keys() {
        if let Some((last, parent)) = path.split_last() {
            children
                .entry(parent.to_vec())
                .or_default()
                .insert(last.clone());
        }
    }
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut paths: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in mods.values() {
        let text = std::fs::read_to_string(&m.file).unwrap();
        let ast = syn::parse_file(&text).unwrap();
        let mut refs = Refs {
            here: m.path.clone(),
            children: &children,
            aliases: HashMap::new(),
            found: Vec::new(),
        };
        // Uses first, so aliases are known wherever they are used.
        for item in &ast.items {
            if let syn::Item::Use(u) = item {
                refs.visit_item_use(u);
            }
        }
        refs.visit_file(&ast);
        let from = rel(&m.file);
        paths.insert(from.clone(), m.path.clone());
        let entry = edges.entry(from.clone()).or_default();
        for target in &refs.found {
            if let Some(t) = owner(&mods, target) {
                let to = rel(&t.file);
                // A test module uses its parent (`super::*`): that is the parent's own code.
                if to != from && !from.ends_with("/tests.rs") {
                    entry.insert(to);
                }
            }
        }
    }
    (edges, paths)
}

/// Strongly connected components with more than one file (Tarjan).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: HashMap<&'a str, usize>,
        low: HashMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn strong<'a>(t: &mut T<'a>, v: &'a str) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        let edges = t.edges;
        for w in edges.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                strong(t, w);
                let lw = t.low[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(lw));
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low[v];
                t.low.insert(v, lv.min(iw));
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        edges,
        index: HashMap::new(),
        low: HashMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v.as_str()) {
            strong(&mut t, v);
        }
    }
    t.out
}

#[test]
fn no_two_source_files_depend_on_each_other_even_indirectly() {
    let (edges, _) = graph();
    assert!(
        edges.len() > 30,
        "the walk found the crate's files: {edges:?}"
    );
    let found = cycles(&edges);
    let explain: Vec<String> = found
        .iter()
        .map(|c| {
            let inside: Vec<String> = c
                .iter()
                .flat_map(|f| {
                    edges[f]
                        .iter()
                        .filter(|t| c.contains(t))
                        .map(move |t| format!("{f} -> {t}"))
                })
                .collect();
            inside.join("\n    ")
        })
        .collect();
    assert!(
        found.is_empty(),
        "cycles between files:\n    {}",
        explain.join("\n\n    ")
    );
}

#[test]
fn the_tenant_model_uses_nothing_above_it() {
    let (edges, paths) = graph();
    let mut wrong = Vec::new();
    for (from, targets) in &edges {
        if paths[from].first().map(String::as_str) != Some("tenant") {
            continue;
        }
        for to in targets {
            let top = paths[to].first().cloned().unwrap_or_default();
            if top != "tenant" && !BELOW_TENANT.contains(&top.as_str()) {
                wrong.push(format!("{from} -> {to}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the tenant model imports upward: {wrong:?}"
    );
}

#[test]
fn the_check_finds_a_planted_cycle() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")] {
        edges.entry(from.into()).or_default().insert(to.into());
    }
    assert_eq!(
        cycles(&edges),
        vec![vec!["a".to_string(), "b".into(), "c".into()]]
    );
}
