//! `ftlint check`: the pipeline as stages over one [`Settings`] value:
//! load (discover → parse → index → render) → lint (rules → suppress) →
//! baseline → report, or fix → re-load → re-lint → report.

use std::collections::BTreeSet;
use std::io::Write;
use std::time::Instant;

use super::baseline::{self, Baseline};
use super::progress::Progress;
use super::settings::{Mode, Settings};
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::cli::CheckArgs;
use crate::diagnostic::{Applicability, Diagnostic};
use crate::discover::Discovered;
use crate::repo::Repo;
use crate::report::{self, Footer, PathMap, View};
use crate::{cache, discover, engine, fix, fsread, schema};

pub fn run(args: &CheckArgs) -> u8 {
    let started = Instant::now();
    let settings = match Settings::resolve(args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}", e.0);
            return EXIT_USAGE;
        }
    };
    match pipeline(&settings, started) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_USAGE
        }
    }
}

fn pipeline(settings: &Settings, started: Instant) -> Result<u8, String> {
    let progress = Progress::start(
        settings.output.quiet,
        "reading and rendering the repository",
    );
    let Linted {
        repo,
        mut diags,
        rules_ms,
        cache,
    } = load_and_lint(settings, &progress)?;
    progress.finish();
    // Never freed: the process ends after the report, and freeing the
    // repository's many small allocations took ~0.3 s at 1,000 services.
    let mut repo = std::mem::ManuallyDrop::new(repo);
    warn_if_nothing_checked(settings, &repo);
    let mut footer = Footer {
        unsafe_fixes: settings.output.unsafe_fixes,
        timing: settings.output.timing,
        ..Footer::default()
    };
    match settings.mode {
        Mode::Diff { unsafe_fixes } => {
            let planned = plan_fixes(settings, &mut repo, &diags, unsafe_fixes);
            if settings.output.show_fixes {
                print!("{}", list_fixes("Would fix", &repo, &diags, unsafe_fixes));
            }
            print!("{}", fix::diff(&repo, &planned));
            return Ok(if planned.files.is_empty() {
                EXIT_OK
            } else {
                EXIT_FINDINGS
            });
        }
        Mode::Fix { unsafe_fixes } => {
            let planned = plan_fixes(settings, &mut repo, &diags, unsafe_fixes);
            let written = fix::write(&repo, &planned)?;
            for (_, message) in &written.skipped {
                eprintln!("{message}");
            }
            if !written.written.is_empty() {
                let applied: usize = written
                    .written
                    .iter()
                    .filter_map(|f| planned.applied_by_file.get(f))
                    .sum();
                if settings.output.quiet < 2 {
                    eprintln!(
                        "fixed {applied} finding(s) in {} file(s)",
                        written.written.len()
                    );
                }
                // Re-lint what remains.
                let progress =
                    Progress::start(settings.output.quiet, "re-checking after the fixes");
                let fixed_repo = std::mem::ManuallyDrop::new(load(settings, None)?);
                let remaining = lint(settings, &fixed_repo);
                progress.finish();
                if settings.output.show_fixes {
                    let gone: Vec<Diagnostic> = diags
                        .iter()
                        .filter(|d| !still_reported(&repo, d, &fixed_repo, &remaining))
                        .cloned()
                        .collect();
                    print!("{}", list_fixes("Fixed", &repo, &gone, unsafe_fixes));
                }
                return Ok(report(
                    settings,
                    &fixed_repo,
                    remaining,
                    &footer,
                    started,
                    (rules_ms, &CacheUse::Off),
                ));
            }
        }
        Mode::Report => {
            if settings.output.show_fixes {
                let unsafe_fixes = settings.output.unsafe_fixes;
                print!("{}", list_fixes("Fixable", &repo, &diags, unsafe_fixes));
            }
        }
    }
    if let Some(path) = &settings.baseline {
        footer.hidden_by_baseline = Baseline::load(path)?.hide(&repo, &mut diags);
    }
    if let Some(path) = &settings.write_baseline {
        let written = baseline::write(path, &repo, &diags)?;
        if settings.output.quiet < 2 {
            eprintln!(
                "wrote {written} finding{} to {}",
                if written == 1 { "" } else { "s" },
                path.display()
            );
        }
        return Ok(EXIT_OK);
    }
    Ok(report(
        settings,
        &repo,
        diags,
        &footer,
        started,
        (rules_ms, &cache),
    ))
}

/// What the report reads: the repository (loaded, or replayed from the
/// cache) and its findings, scoped to the paths given.
struct Linted {
    repo: Repo,
    diags: Vec<Diagnostic>,
    rules_ms: u128,
    cache: CacheUse,
}

/// How the run used the cache, for `--stats`.
enum CacheUse {
    Off,
    /// The stored findings were the run's; the `argocd:` stats line stored,
    /// and whether directory stamps made the walk unnecessary.
    Hit {
        argocd: String,
        walk_skipped: bool,
    },
    Miss {
        why: &'static str,
        stored: bool,
    },
}

/// Load and lint, or — when the cache holds this run's findings — replay them.
fn load_and_lint(settings: &Settings, progress: &Progress) -> Result<Linted, String> {
    let Some(cs) = &settings.cache else {
        let repo = load(settings, None)?;
        progress.phase("running the rules");
        let t_rules = Instant::now();
        let diags = lint(settings, &repo);
        return Ok(Linted {
            rules_ms: t_rules.elapsed().as_millis(),
            repo,
            diags,
            cache: CacheUse::Off,
        });
    };
    let session = &cs.session;
    let store = cache::Cache::new(session, cs.fingerprint.clone());
    let t0 = Instant::now();
    // The walk is skipped when the directory stamps say it would be the same.
    let mut found = None;
    let walk = match session.known_walk(&settings.config) {
        Some(digest) => digest.to_string(),
        None => {
            let walked = discover_files(settings)?;
            let digest = cache::walk_digest(&walked);
            session.save_walk(&settings.config, &walked, &digest);
            found = Some(walked);
            digest
        }
    };
    let mut discover_ms = t0.elapsed().as_millis();
    // The stored findings are made ready while the recorded reads are checked.
    let why = match store.lookup(&walk, |entry| replay(settings, entry)) {
        Ok(Some(mut linted)) => {
            linted.repo.stats.discover_ms = discover_ms;
            if let CacheUse::Hit { walk_skipped, .. } = &mut linted.cache {
                *walk_skipped = found.is_none();
            }
            return Ok(linted);
        }
        Ok(None) => "entry does not fit, or a file changed while reading",
        Err(why) => why,
    };
    let found = match found {
        Some(found) => found,
        None => {
            let t0 = Instant::now();
            let walked = discover_files(settings)?;
            discover_ms += t0.elapsed().as_millis();
            walked
        }
    };
    fsread::start_recording();
    let loaded = load(settings, Some((found, discover_ms)));
    let repo = match loaded {
        Ok(repo) => repo,
        Err(e) => {
            fsread::take_reads();
            return Err(e);
        }
    };
    progress.phase("running the rules");
    let t_rules = Instant::now();
    let mut diags = engine::lint(&repo, &settings.selection, None).diagnostics;
    let rules_ms = t_rules.elapsed().as_millis();
    let stored = store.store(
        walk,
        &repo,
        &diags,
        argocd_stats(&repo),
        fsread::take_reads(),
    );
    if let Some(files) = in_scope(settings, &repo) {
        engine::keep_related_to(&repo, &mut diags, &files);
    }
    Ok(Linted {
        repo,
        diags,
        rules_ms,
        cache: CacheUse::Miss { why, stored },
    })
}

fn discover_files(settings: &Settings) -> Result<Discovered, String> {
    discover::discover(
        &settings.scope.root,
        &settings.scope.walk,
        &settings.config,
        settings.jobs,
    )
}

/// The stored run, scoped like a cold run, with the text of the files its
/// findings point into (read and checked against the recorded digests).
fn replay(settings: &Settings, entry: &cache::Entry) -> Option<Linted> {
    let (mut repo, mut diags) = cache::replay(
        entry,
        &settings.scope.root,
        settings.config.clone(),
        settings.env.clone(),
    )?;
    if let Some(files) = in_scope(settings, &repo) {
        engine::keep_related_to(&repo, &mut diags, &files);
    }
    if !cache::load_texts(entry, &mut repo, &diags) {
        return None;
    }
    repo.seal_key = settings.seal_key.clone();
    Some(Linted {
        repo,
        diags,
        rules_ms: 0,
        cache: CacheUse::Hit {
            argocd: entry.argocd_stats.clone(),
            walk_skipped: false,
        },
    })
}

/// Discover (unless done), parse, index and render the repository; add the
/// schema flags.
fn load(settings: &Settings, found: Option<(Discovered, u128)>) -> Result<Repo, String> {
    let mut repo = match found {
        Some((found, discover_ms)) => Repo::load_discovered(
            &settings.scope.root,
            found,
            discover_ms,
            settings.config.clone(),
            settings.env.clone(),
        )?,
        None => Repo::load(
            &settings.scope.root,
            &settings.scope.walk,
            settings.config.clone(),
            settings.env.clone(),
            settings.jobs,
        )?,
    };
    for f in &settings.crds {
        let crds = schema::wiring::add_crd_file(&repo.schemas, f)?;
        repo.add_cli_crds(&crds);
    }
    for d in &settings.schema_dirs {
        repo.schemas
            .add_schema_dir(d)
            .map_err(|e| format!("--schema-dir: {e}"))?;
    }
    repo.seal_key = settings.seal_key.clone();
    Ok(repo)
}

/// The loaded files the paths given cover (`None`: every file).
fn in_scope(settings: &Settings, repo: &Repo) -> Option<BTreeSet<String>> {
    settings.scope.only.as_ref().map(|only| {
        repo.sources
            .files
            .iter()
            .filter(|f| only.contains(&f.path))
            .map(|f| f.path.clone())
            .collect()
    })
}

/// Run the rules, then configure, dedupe and suppress their findings; keep
/// those located in, or related to, the paths given.
fn lint(settings: &Settings, repo: &Repo) -> Vec<Diagnostic> {
    engine::lint(repo, &settings.selection, in_scope(settings, repo).as_ref()).diagnostics
}

/// Fixes that survive a re-lint of the edited repository; the dropped ones said.
fn plan_fixes(
    settings: &Settings,
    repo: &mut Repo,
    diags: &[Diagnostic],
    unsafe_fixes: bool,
) -> fix::Planned {
    let scope = in_scope(settings, repo);
    let progress = Progress::start(settings.output.quiet, "checking the fixes");
    let planned = fix::plan_accepted(
        repo,
        diags,
        unsafe_fixes,
        &settings.selection,
        scope.as_ref(),
    );
    progress.finish();
    for line in fix::dropped_lines(repo, &planned) {
        eprintln!("{line}");
    }
    planned
}

/// A run that read no file passes without checking anything: say so.
fn warn_if_nothing_checked(settings: &Settings, repo: &Repo) {
    if settings.output.quiet >= 2 {
        return;
    }
    let given_loaded = match &settings.scope.only {
        None => repo.stats.files,
        Some(only) => repo
            .sources
            .files
            .iter()
            .filter(|f| only.contains(&f.path))
            .count(),
    };
    if given_loaded == 0 {
        eprintln!(
            "warning: no YAML or JSON files found to check in {} (include: {})",
            settings.scope.describe(),
            settings.config.include.join(", ")
        );
    }
}

fn still_reported(before: &Repo, d: &Diagnostic, after: &Repo, remaining: &[Diagnostic]) -> bool {
    let path = before.sources.path(d.span.file);
    remaining.iter().any(|r| {
        r.rule == d.rule && r.message == d.message && after.sources.path(r.span.file) == path
    })
}

/// `--show-fixes`: the fixes, per file, as `N × rule (fix)`.
fn list_fixes(verb: &str, repo: &Repo, diags: &[Diagnostic], unsafe_fixes: bool) -> String {
    let mut by_file: std::collections::BTreeMap<
        &str,
        std::collections::BTreeMap<(&str, &str), usize>,
    > = Default::default();
    let mut total = 0;
    for d in diags {
        let Some(fix) = &d.fix else { continue };
        if fix.applicability == Applicability::Unsafe && !unsafe_fixes {
            continue;
        }
        total += 1;
        *by_file
            .entry(repo.sources.path(d.span.file))
            .or_default()
            .entry((d.rule, fix.message.as_str()))
            .or_default() += 1;
    }
    if total == 0 {
        return String::new();
    }
    let mut out = format!(
        "{verb} {total} finding{}:\n",
        if total == 1 { "" } else { "s" }
    );
    for (file, fixes) in by_file {
        out.push_str(&format!("- {file}:\n"));
        for ((rule, message), n) in fixes {
            out.push_str(&format!("    {n} × {rule} ({message})\n"));
        }
    }
    out.push('\n');
    out
}

fn view(settings: &Settings) -> View {
    let scope = &settings.scope;
    let root_in_repo = scope
        .root
        .strip_prefix(&scope.repo_root)
        .map(super::scope::slash)
        .unwrap_or_default();
    // Relative to the current directory when it is inside the repository;
    // from elsewhere, `../../..` chains help nobody: relative to the loaded tree.
    let cwd = std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .ok()
        .filter(|cwd| cwd.starts_with(&scope.repo_root) || cwd.starts_with(&scope.root))
        .map(|cwd| (scope.root.clone(), cwd));
    View {
        paths: PathMap {
            root_in_repo,
            cwd,
            repo_root: Some(scope.repo_root.clone()),
        },
        fixable_marker: true,
        group_repeats: true,
        summary_line: false,
        fail_on: settings.output.fail_on,
    }
}

fn report(
    settings: &Settings,
    repo: &Repo,
    diags: Vec<Diagnostic>,
    footer: &Footer,
    started: Instant,
    (rules_ms, cache): (u128, &CacheUse),
) -> u8 {
    let out = &settings.output;
    let elapsed = started.elapsed().as_millis();
    let summary = report::Summary::new(repo, &diags, elapsed);
    let opts = report::Options {
        color: out.color,
        timing: out.timing,
    };
    let mut text = if out.statistics {
        report::statistics(out.format, &diags)
    } else {
        report::render_with(out.format, repo, &diags, &summary, &opts, &view(settings))
    };
    let show_footer = out.quiet == 0
        && (out.format.is_text() || out.statistics)
        && out.format != report::Format::Json;
    if show_footer {
        let summary_text = report::footer(&diags, &summary, footer);
        if out.format == report::Format::Short && !out.statistics {
            // `short` keeps stdout one line per finding, for scripts; people see the summary.
            eprint!("{summary_text}");
        } else {
            if !text.is_empty() && !text.ends_with("\n\n") {
                text.push('\n');
            }
            text.push_str(&summary_text);
        }
    }
    if out.quiet < 2 && out.format == report::Format::Json && !out.statistics {
        // JSON escapes every control character: nothing to strip (a scan of
        // a few MB when many findings are replayed).
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    } else if out.quiet < 2 && !out.color && needs_no_stripping(&text) {
        // Plain printable ASCII: stripping would keep every byte.
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    } else if out.quiet < 2 {
        let mut stdout = anstream::AutoStream::new(
            std::io::stdout().lock(),
            if out.color {
                anstream::ColorChoice::Always
            } else {
                anstream::ColorChoice::Never
            },
        );
        let _ = stdout.write_all(text.as_bytes());
    }
    if out.stats {
        print_stats(repo, rules_ms, elapsed, cache);
    }
    match out.fail_on {
        Some(min) if engine::count_at_least(&diags, min) > 0 => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}

/// Whether `text` is only printable ASCII and line breaks or tabs, which
/// the escape stripper passes through unchanged (it would only scan it).
pub fn needs_no_stripping(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' '..=b'~' | b'\n' | b'\t' | b'\r'))
}

fn print_stats(repo: &Repo, rules_ms: u128, elapsed: u128, cache: &CacheUse) {
    let s = &repo.stats;
    eprintln!(
        "files: {}, documents: {}, objects: {}, render units: {}, helm templates skipped: {}, go templates skipped: {}, symlinks not followed: {}\ntime: discover {} ms, parse {} ms, render {} ms, rules {} ms, total {} ms",
        s.files, s.documents, s.objects, s.units, s.helm_templates, s.go_templates, s.skipped_symlinks, s.discover_ms, s.parse_ms, s.render_ms, rules_ms, elapsed
    );
    match cache {
        CacheUse::Off => eprintln!("{}\ncache: off", argocd_stats(repo)),
        CacheUse::Miss { why, stored } => eprintln!(
            "{}\ncache: miss ({why}), findings {}",
            argocd_stats(repo),
            if *stored { "stored" } else { "not stored" }
        ),
        CacheUse::Hit {
            argocd,
            walk_skipped,
        } => eprintln!(
            "{argocd}\ncache: hit (nothing changed: findings replayed; {})",
            if *walk_skipped {
                "no directory changed: not walked"
            } else {
                "tree walked"
            }
        ),
    }
}

/// The `argocd:` line of `--stats`.
fn argocd_stats(repo: &Repo) -> String {
    let m = repo.argocd();
    format!(
        "argocd: {} applications ({} from ApplicationSets), {} projects, {}, this repo: {} ({})",
        m.apps.len(),
        m.generated_apps(),
        m.projects.len(),
        m.appset_summary(),
        m.this_repo.join(", "),
        m.this_repo_from
    )
}

#[cfg(test)]
mod tests {
    use super::needs_no_stripping;
    use proptest::prelude::*;

    proptest! {
        /// The shortcut is only taken where stripping is the identity.
        #[test]
        fn text_needing_no_stripping_is_what_the_stripper_keeps(text in "[ -~\t\n\r]{0,200}") {
            prop_assert!(needs_no_stripping(&text));
            prop_assert_eq!(anstream::adapter::strip_str(&text).to_string(), text);
        }
    }

    #[test]
    fn escapes_and_controls_go_through_the_stripper() {
        for text in [
            "a\x1b[31mred",
            "bell\x07",
            "del\x7f",
            "caf\u{e9}",
            "c1\u{9b}2J",
        ] {
            assert!(!needs_no_stripping(text), "{text:?}");
        }
    }
}
