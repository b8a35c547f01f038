//! The layers, checked on the source: no import circle between modules, no file reading in the
//! engine, and no clock, thread, device or file in the session. Test code (`#[cfg(test)]` items
//! and `tests.rs` files) is left out: fixtures may read files.
//!
//! How: every `crate::…`, `super::…` and `self::…` path in a module's runtime code is resolved to
//! the longest module it names; Tarjan's algorithm finds strongly connected components of that
//! graph, and any with more than one module is a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `engine/dialogue/intent.rs` -> `engine::dialogue::intent`; `session/mod.rs` -> `session`.
fn module_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix(src()).ok()?.with_extension("");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.last()?.clone();
    if last == "tests" || last.ends_with("_tests") {
        return None;
    }
    if matches!(last.as_str(), "mod" | "lib" | "main") {
        parts.pop();
    }
    Some(parts.join("::"))
}

/// The source without comments and without `#[cfg(test)]` items.
fn runtime_code(text: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    let mut depth = 0i64;
    let mut opened = false;
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        if !skipping && line.trim_start().starts_with("#[cfg(test)]") {
            skipping = true;
            depth = 0;
            opened = false;
            continue;
        }
        if skipping {
            for c in code.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            // An item without a body (`mod tests;`) ends at its semicolon.
            if (opened && depth <= 0) || (!opened && code.trim_end().ends_with(';')) {
                skipping = false;
            }
            continue;
        }
        out.push_str(code);
        out.push('\n');
    }
    out
}

struct Crate {
    /// module -> runtime code
    modules: BTreeMap<String, String>,
}

fn load() -> Crate {
    let mut paths = Vec::new();
    files(&src(), &mut paths);
    let modules = paths
        .iter()
        .filter_map(|p| {
            let m = module_of(p)?;
            Some((m, runtime_code(&std::fs::read_to_string(p).unwrap())))
        })
        .collect();
    Crate { modules }
}

impl Crate {
    fn edges(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut edges = BTreeMap::new();
        for (m, code) in &self.modules {
            let here: Vec<&str> = if m.is_empty() {
                Vec::new()
            } else {
                m.split("::").collect()
            };
            let mut deps = BTreeSet::new();
            let words: Vec<&str> = code
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .collect();
            for w in words {
                let segs: Vec<&str> = w.split("::").filter(|s| !s.is_empty()).collect();
                let (base, rest): (Vec<&str>, &[&str]) = match segs.first() {
                    Some(&"crate") => (Vec::new(), &segs[1..]),
                    Some(&"self") => (here.clone(), &segs[1..]),
                    Some(&"super") => {
                        let mut b = here.clone();
                        let mut r = &segs[..];
                        while r.first() == Some(&"super") {
                            b.pop();
                            r = &r[1..];
                        }
                        (b, r)
                    }
                    _ => continue,
                };
                let full: Vec<&str> = base.into_iter().chain(rest.iter().copied()).collect();
                for n in (1..=full.len()).rev() {
                    let cand = full[..n].join("::");
                    if self.modules.contains_key(&cand) {
                        let nested = cand.starts_with(&format!("{m}::"))
                            || m.starts_with(&format!("{cand}::"));
                        if &cand != m && !nested && !m.is_empty() {
                            deps.insert(cand);
                        }
                        break;
                    }
                }
            }
            edges.insert(m.clone(), deps);
        }
        edges
    }
}

/// Strongly connected components with more than one module.
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        let edges = t.edges;
        for w in edges.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
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
                t.found.push(comp);
            }
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.found
}

#[test]
fn no_module_imports_in_a_circle() {
    let c = load();
    let edges = c.edges();
    assert!(edges.len() > 40, "only {} modules found", edges.len());
    // The check sees real edges (so an empty graph cannot pass it).
    assert!(
        edges["session"].contains("engine::dialogue::engine"),
        "{:?}",
        edges["session"]
    );
    let found = circles(&edges);
    assert!(found.is_empty(), "import circles: {found:?}");
    // And it would see one.
    let mut with_circle = edges.clone();
    with_circle
        .get_mut("engine::dialogue::intent")
        .unwrap()
        .insert("engine::dialogue::engine".into());
    assert!(!circles(&with_circle).is_empty());
}

#[test]
fn the_layers_point_one_way() {
    let edges = load().edges();
    let top = |m: &str| m.split("::").next().unwrap_or("").to_string();
    for (m, deps) in &edges {
        for d in deps {
            let (from, to) = (top(m), top(d));
            let forbidden = match from.as_str() {
                // The pure core knows nothing of the shell.
                "engine" => ["session", "daemon", "control", "store", "audio", "speech"]
                    .contains(&to.as_str()),
                // The session knows nothing of its front ends.
                "session" => to == "daemon",
                "control" => ["session", "daemon"].contains(&to.as_str()),
                _ => false,
            };
            assert!(!forbidden, "{m} uses {d}");
        }
    }
}

#[test]
fn the_engine_reads_no_file_and_the_session_touches_no_clock_thread_or_device() {
    let c = load();
    for (m, code) in &c.modules {
        if m.starts_with("engine") {
            for bad in ["std::fs", "File::", "read_to_string(", "read_dir("] {
                assert!(!code.contains(bad), "{m} uses {bad}");
            }
        }
        if m.starts_with("session") {
            for bad in [
                "std::fs",
                "std::thread",
                "Instant::now",
                "SystemTime",
                "sleep(",
                "cpal",
                "rodio",
                "Local::now",
            ] {
                assert!(!code.contains(bad), "{m} uses {bad}");
            }
        }
    }
    assert!(c.modules.keys().any(|m| m == "session"));
}
