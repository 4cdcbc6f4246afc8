//! What a command that changes the warehouse says it did, on stderr: the files loaded, the rows written and
//! replaced, and the stored metric rows a change removed.

use std::path::Path;

use super::thousands;
use crate::ingest::Summary;
use crate::warehouse::Removed;

/// The summary of a load.
pub fn loaded(summary: &Summary, db: &Path, seconds: f64) {
    crate::say!("loaded {} file(s) into {} in {seconds:.2} s", summary.files.len(), db.display());
    for f in &summary.files {
        crate::say!("  {} ({}, {}): {} rows", f.path.display(), f.table.name(), f.detected, thousands(f.rows as i64));
    }
    for c in summary.changes.iter().filter(|c| c.inserted > 0 || c.replaced > 0) {
        crate::say!("  {:<18} {:>10} rows written, {:>10} existing rows replaced", c.table, thousands(c.inserted), thousands(c.replaced));
    }
    removed(&summary.removed);
}

/// Says which stored metric rows a change removed, and which commands compute them again.
pub fn removed(removed: &[Removed]) {
    if removed.is_empty() {
        return;
    }
    let total: i64 = removed.iter().map(|r| r.rows).sum();
    crate::say!("removed {} stored metric row(s) computed from the replaced data (recompute them with the commands named):", thousands(total));
    for r in removed {
        crate::say!("  {:<18} {:>10} rows   countyedu {}", r.table, thousands(r.rows), r.written_by);
    }
}
