//! The layers' rules, checked on the source itself (see ARCHITECTURE.md): arrows point inwards
//! (transport → services → store → domain), no file imports another that imports it back, and
//! no file outgrows a reading.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A source file: its module path (`services::tasks::queue`) and its code without comments and
/// without its unit tests.
struct Source {
    module: Vec<String>,
    path: PathBuf,
    code: String,
    lines: usize,
}

fn sources() -> Vec<Source> {
    fn walk(dir: &Path, into: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs") {
                into.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    walk(&root, &mut paths);
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let relative = path.strip_prefix(&root).unwrap().with_extension("");
            let mut module: Vec<String> = relative
                .iter()
                .map(|part| part.to_string_lossy().into_owned())
                .collect();
            if matches!(
                module.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                module.pop();
            }
            let without_tests = text.split("#[cfg(test)]").next().unwrap_or_default();
            let code = without_tests
                .lines()
                .map(|line| line.split("//").next().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n");
            Source {
                module,
                path,
                code,
                lines: text.lines().count(),
            }
        })
        .collect()
}

fn under(source: &Source, layer: &str) -> bool {
    source.module.first().is_some_and(|first| first == layer)
}

#[test]
fn no_source_file_is_over_500_lines() {
    let long: Vec<String> = sources()
        .iter()
        .filter(|s| s.lines > 500)
        .map(|s| format!("{} ({} lines)", s.path.display(), s.lines))
        .collect();
    assert!(long.is_empty(), "split these: {long:?}");
}

#[test]
fn arrows_point_inwards() {
    let rules: [(&str, &[&str]); 4] = [
        (
            "domain",
            &[
                "sea_orm",
                "async_graphql",
                "axum",
                "crate::store",
                "crate::services",
                "crate::graphql",
                "crate::http",
                "crate::state",
            ],
        ),
        (
            "services",
            &["crate::graphql", "crate::http", "async_graphql", "axum"],
        ),
        ("graphql", &["crate::store"]),
        // The console reads and writes only through the GraphQL schema's operations.
        ("console", &["crate::store", "crate::services::access"]),
    ];
    let mut broken = Vec::new();
    for source in sources() {
        for (layer, forbidden) in &rules {
            if under(&source, layer) {
                for name in *forbidden {
                    if source.code.contains(name) {
                        broken.push(format!("{} names {name}", source.path.display()));
                    }
                }
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}

/// The file a module path lives in: the longest prefix that is a file.
fn resolve<'a>(files: &'a BTreeSet<Vec<String>>, path: &[String]) -> Option<&'a Vec<String>> {
    (1..=path.len())
        .rev()
        .find_map(|n| files.get(&path[..n].to_vec()))
}

/// Module paths a file names: `crate::a::b`, `crate::a::{b, c}` and `super::b`.
fn named_paths(source: &Source) -> Vec<Vec<String>> {
    let word = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
    let mut paths = Vec::new();
    for (prefix, base) in [
        ("crate::", Vec::new()),
        ("super::", {
            let mut parent = source.module.clone();
            if !source.path.ends_with("mod.rs") {
                parent.pop();
            }
            parent.pop();
            parent
        }),
    ] {
        for (at, _) in source.code.match_indices(prefix) {
            if at > 0 && source.code[..at].ends_with(|c: char| word(c) || c == ':') {
                continue;
            }
            let rest = &source.code[at + prefix.len()..];
            let mut path = base.clone();
            let mut tail = rest;
            loop {
                let end = tail.find(|c: char| !word(c)).unwrap_or(tail.len());
                if end == 0 {
                    break;
                }
                path.push(tail[..end].to_owned());
                tail = &tail[end..];
                match tail.strip_prefix("::") {
                    Some(next) => tail = next,
                    None => break,
                }
            }
            if let Some(group) = tail.strip_prefix('{') {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                for part in group.split(',') {
                    let first: String = part.trim().chars().take_while(|c| word(*c)).collect();
                    if !first.is_empty() && first != "self" {
                        paths.push([path.clone(), vec![first]].concat());
                    }
                }
            }
            paths.push(path);
        }
    }
    paths
}

#[test]
fn no_file_imports_one_that_imports_it_back() {
    let sources = sources();
    let files: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let mut edges: BTreeMap<&Vec<String>, BTreeSet<&Vec<String>>> = BTreeMap::new();
    for source in &sources {
        let from = files.get(&source.module).unwrap();
        let targets = edges.entry(from).or_default();
        for path in named_paths(source) {
            if let Some(to) = resolve(&files, &path)
                // A module re-exporting its own children is not an arrow back.
                && to != from
                && !to.is_empty()
                && !to.starts_with(from)
            {
                targets.insert(to);
            }
        }
    }
    // A cycle is a file reachable from itself.
    let mut cycles = BTreeSet::new();
    for start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&Vec<String>> = edges[start].iter().copied().collect();
        while let Some(next) = stack.pop() {
            if next == *start {
                cycles.insert(start.join("::"));
                break;
            }
            if seen.insert(next) {
                stack.extend(edges.get(next).into_iter().flatten().copied());
            }
        }
    }
    assert!(cycles.is_empty(), "files on an import cycle: {cycles:?}");
}
