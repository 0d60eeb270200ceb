//! Baselines: accept the findings a project already has and report only new ones.
//!
//! A finding is keyed by file, project name, rule and indicator — never by line or column — so
//! editing a form elsewhere does not invalidate the baseline. Several findings with the same key
//! are counted.

use crate::diagnostic::Diagnostic;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Key {
    pub file: String,
    pub project: String,
    pub rule: String,
    #[serde(default)]
    pub indicator: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    #[serde(flatten)]
    key: Key,
    count: usize,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

/// Accepted findings, with how many of each key remain unmatched in this run.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    /// Directory of the baseline file: file names in keys are relative to it.
    base: PathBuf,
    remaining: BTreeMap<Key, usize>,
}

impl Baseline {
    pub fn new(baseline_path: &Path) -> Baseline {
        let base = match baseline_path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Baseline {
            base,
            remaining: BTreeMap::new(),
        }
    }

    pub fn read(path: &Path) -> Result<Baseline, String> {
        let bytes = crate::limits::read_side_file(path)
            .map_err(|e| format!("无法读取基线文件 {}：{e}", path.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|e| format!("基线文件 {} 不是 UTF-8 文本：{e}", path.display()))?;
        let file: BaselineFile = serde_json::from_str(&text)
            .map_err(|e| format!("基线文件 {} 格式有误：{e}", path.display()))?;
        if file.version != VERSION {
            return Err(format!(
                "基线文件 {} 的版本 {} 不受支持",
                path.display(),
                file.version
            ));
        }
        let mut baseline = Baseline::new(path);
        for entry in file.findings {
            *baseline.remaining.entry(entry.key).or_default() += entry.count;
        }
        Ok(baseline)
    }

    /// The key of a finding in `file`.
    pub fn key(&self, file: &str, d: &Diagnostic) -> Key {
        Key {
            file: self.relative(file),
            project: d
                .project
                .as_ref()
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            rule: d.code.clone(),
            indicator: d.indicator.clone().unwrap_or_default(),
        }
    }

    fn relative(&self, file: &str) -> String {
        if file == "<stdin>" {
            return file.to_owned();
        }
        // Both resolved (`..`, links), so `../jixiao-baseline.json` and an absolute path to it
        // give the same keys. A file that is gone keeps its directory's resolution.
        let resolve = |p: &Path| {
            let absolute = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
            std::fs::canonicalize(&absolute).unwrap_or(absolute)
        };
        let path = Path::new(file);
        let path = match (path.parent(), path.file_name()) {
            (Some(dir), Some(name)) => resolve(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            })
            .join(name),
            _ => resolve(path),
        };
        let base = resolve(&self.base);
        let shown = path
            .strip_prefix(&base)
            .map(Path::to_path_buf)
            .unwrap_or(path);
        shown.display().to_string().replace('\\', "/")
    }

    pub fn record(&mut self, file: &str, d: &Diagnostic) {
        let key = self.key(file, d);
        *self.remaining.entry(key).or_default() += 1;
    }

    /// Whether the baseline accepts this finding (each entry accepts as many findings as it counts).
    pub fn accepts(&mut self, file: &str, d: &Diagnostic) -> bool {
        let key = self.key(file, d);
        match self.remaining.get_mut(&key) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }

    /// Baseline entries no finding matched in this run.
    pub fn unmatched(&self) -> usize {
        self.remaining.values().sum()
    }

    /// Entries for these files (as the run names them) that no finding matched: a run over some
    /// files (the staged ones) does not call the other files' entries stale.
    pub fn unmatched_in(&self, files: &[String]) -> usize {
        let checked: std::collections::HashSet<String> =
            files.iter().map(|f| self.relative(f)).collect();
        self.remaining
            .iter()
            .filter(|(key, _)| checked.contains(&key.file))
            .map(|(_, n)| n)
            .sum()
    }

    /// The baseline to write after checking `files`: the existing one at `path` without its
    /// entries for those files (the run records them afresh) or for files that no longer
    /// exist, so a run over some files keeps every other file's entries.
    pub fn for_update(path: &Path, files: &[String]) -> Result<Baseline, String> {
        let exists = std::fs::symlink_metadata(path).is_ok();
        let mut baseline = if exists {
            Baseline::read(path)?
        } else {
            Baseline::new(path)
        };
        let checked: std::collections::HashSet<String> =
            files.iter().map(|f| baseline.relative(f)).collect();
        let base = baseline.base.clone();
        baseline.remaining.retain(|key, _| {
            !checked.contains(&key.file) && (key.file == "<stdin>" || base.join(&key.file).exists())
        });
        baseline.remaining.retain(|key, _| key.file != "<stdin>");
        Ok(baseline)
    }

    /// Write the baseline (atomically, see [`crate::write::write_file`]).
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let file = BaselineFile {
            version: VERSION,
            findings: self
                .remaining
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(key, count)| Entry {
                    key: key.clone(),
                    count: *count,
                })
                .collect(),
        };
        let mut text = serde_json::to_string_pretty(&file).map_err(std::io::Error::other)?;
        text.push('\n');
        crate::write::write_file(path, |out| out.write_all(text.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::ProjectRef;

    fn finding(rule: &str, project: &str, line_offset: usize) -> Diagnostic {
        let mut d = Diagnostic::warning(rule, "m")
            .with_primary(crate::span::Span::new(line_offset, line_offset + 1), None);
        d.project = Some(ProjectRef {
            name: project.into(),
            index: 1,
        });
        d
    }

    #[test]
    fn round_trip_counts_and_ignores_positions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let mut b = Baseline::new(&path);
        b.record("forms/a.txt", &finding("r.one", "甲", 10));
        b.record("forms/a.txt", &finding("r.one", "甲", 20));
        b.write(&path).unwrap();
        let mut read = Baseline::read(&path).unwrap();
        assert!(read.accepts("forms/a.txt", &finding("r.one", "甲", 999)));
        assert!(read.accepts("forms/a.txt", &finding("r.one", "甲", 5)));
        assert!(
            !read.accepts("forms/a.txt", &finding("r.one", "甲", 5)),
            "only as many as recorded"
        );
        assert!(!read.accepts("forms/a.txt", &finding("r.two", "甲", 5)));
        assert_eq!(read.unmatched(), 0);
    }
}
