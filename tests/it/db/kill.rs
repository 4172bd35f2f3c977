//! kill -9 at seeded random moments of a long multi-revision upgrade, on
//! every database: what each kill leaves, and that a rerun completes.

use std::io::{BufRead, BufReader};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::failure::wait_for_orphaned_sessions;
use super::{Backend, DbProject, R, per_backend};

/// Revisions of the kill campaign: `R[i]` creates `k<i>` and fills it with
/// [`KILL_ROWS`] rows, one INSERT each, so that a kill can land between
/// any two statements.
const KILL_REVISIONS: usize = 8;
const KILL_ROWS: usize = 40;

/// Asserts that every revision is applied whole or not at all, agreeing
/// with the version table, and that the log shows it applied once per time
/// it is applied now; returns how many are applied. The table of
/// `interrupted` (a revision index), which may hold part of its rows, is
/// left to [`check_interrupted`].
fn assert_whole_revisions(p: &DbProject, context: &str, interrupted: Option<usize>) -> usize {
    let versions = p.versions();
    let applied = match versions.as_slice() {
        [] => 0,
        [one] => R.iter().position(|r| r == one).expect("a known revision") + 1,
        more => panic!("{context}: several version rows {more:?}"),
    };
    let tables = p.app_tables();
    // A few queries for all revisions: each opens a connection.
    let logged = |direction: &str, operation: &str| {
        p.db.query(&format!(
            "SELECT revision FROM {}_log WHERE success AND direction = '{direction}' \
             AND operation = '{operation}'",
            p.version_table
        ))
    };
    let (ups, downs) = (logged("up", "upgrade"), logged("down", "downgrade"));
    for (i, id) in R[..KILL_REVISIONS].iter().enumerate() {
        let table = format!("k{i}");
        let is_applied = i < applied;
        assert!(
            Some(i) == interrupted || tables.contains(&table) == is_applied,
            "{context}: table {table} vs version {versions:?}"
        );
        let count = |rows: &[String]| rows.iter().filter(|r| r == id).count();
        assert_eq!(
            count(&ups),
            count(&downs) + usize::from(is_applied),
            "{context}: {id} was applied {} and reverted {} times",
            count(&ups),
            count(&downs)
        );
    }
    if applied > 0 {
        let counts = (0..applied)
            .map(|i| format!("SELECT COUNT(*) FROM k{i}"))
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        assert_eq!(
            p.db.query(&counts),
            vec![KILL_ROWS.to_string(); applied],
            "{context}: rows of k0..k{}",
            applied - 1
        );
    }
    applied
}

/// What the MySQL/MariaDB campaign saw of interrupted revisions.
#[derive(Default)]
struct Interruptions {
    /// Kills that left a revision interrupted part way, shown by `status`.
    seen: usize,
    /// Of those, how many had the statement in flight take effect.
    in_flight_ran: usize,
    /// Interrupted revisions that `upgrade --resume` then completed.
    resumed: usize,
    /// Of those, how many were resumed after `downgrade base` had reverted
    /// the revisions below, so that they came last in the plan.
    after_downgrade: usize,
}

/// After a kill on MySQL/MariaDB, where each revision runs outside a
/// transaction: when the newest log row is a revision started and never
/// finished, `status` (text and JSON) reports it with what is known,
/// `upgrade` refuses to start it from the top, its rows are those of the
/// statements the log says finished plus perhaps the one in flight, and
/// after that one is undone by hand when it ran (as docs/running-migrations.md
/// says), `upgrade --resume` completes. Otherwise a plain `upgrade` does.
/// With `detour`, `downgrade base` runs first, so the interrupted revision
/// comes after others in the plan: still reported, still refused before
/// anything runs. Returns how many revisions were applied when killed.
fn check_interrupted(
    p: &DbProject,
    context: &str,
    detour: bool,
    seen: &mut Interruptions,
) -> usize {
    let newest = p.db.query(&format!(
        "SELECT CONCAT(revision, ':', direction, ':', success, ':', statements_applied, ':', \
         statements_total, ':', error IS NULL) FROM {}_log ORDER BY id DESC LIMIT 1",
        p.version_table
    ));
    let interrupted = newest.first().and_then(|row| {
        let fields: Vec<&str> = row.split(':').collect();
        let [revision, "up", "0", done, total, "1"] = fields.as_slice() else {
            return None;
        };
        let index = R
            .iter()
            .position(|r| r == revision)
            .expect("a known revision");
        Some((
            index,
            done.parse::<usize>().ok()?,
            total.parse::<usize>().ok()?,
        ))
    });
    let applied = assert_whole_revisions(p, context, interrupted.map(|(i, _, _)| i));
    let text = p.run(&["status"]).success().stdout;
    let json = p.run(&["status", "--format", "json"]).success().json();
    let Some((index, done, total)) = interrupted else {
        assert!(!text.contains("Stopped part way"), "{context}:\n{text}");
        assert!(json["stopped"].is_null(), "{context}: {json}");
        p.run(&["upgrade"]).success();
        return applied;
    };
    seen.seen += 1;
    let id = R[index];
    assert_eq!(
        index, applied,
        "{context}: interrupted {id}, applied {applied}"
    );
    assert_eq!(total, KILL_ROWS + 1, "{context}");
    let running = format!("statement {} of {total} was running", done + 1);
    for part in ["Stopped part way", id, "interrupted", &running, "--resume"] {
        assert!(text.contains(part), "{context}: no `{part}` in\n{text}");
    }
    let stopped = &json["stopped"];
    assert_eq!(stopped["revision"], id, "{context}: {json}");
    assert_eq!(stopped["state"], "interrupted", "{context}: {json}");
    assert_eq!(stopped["statements_applied"], done, "{context}: {json}");
    assert_eq!(stopped["statements_total"], total, "{context}: {json}");
    assert_eq!(
        stopped["uncertain_statement"],
        done + 1,
        "{context}: {json}"
    );

    // Statement 1 creates the table, statement n + 1 inserts n: statements
    // 1..=done ran, statement done + 1 may have, and nothing else.
    let table = format!("k{index}");
    let exists = p.db.has_table(&table);
    let rows: Vec<usize> = if exists {
        p.db.query(&format!("SELECT n FROM {table} ORDER BY n"))
            .iter()
            .map(|n| n.parse().expect("a number"))
            .collect()
    } else {
        Vec::new()
    };
    let in_flight_ran = if done == 0 {
        assert!(rows.is_empty(), "{context}: {table} has rows {rows:?}");
        exists
    } else {
        assert!(exists, "{context}: statement 1 ran, but {table} is missing");
        let ran = rows.len();
        assert!(
            ran + 1 == done || ran == done,
            "{context}: {table} has {ran} rows, the log says {done} statements ran"
        );
        assert_eq!(rows, (1..=ran).collect::<Vec<_>>(), "{context}: {table}");
        ran == done
    };

    let mut now_applied = applied;
    if detour && applied > 0 {
        p.run(&["downgrade", "base"]).success();
        now_applied = 0;
        seen.after_downgrade += 1;
        let text = p.run(&["status"]).success().stdout;
        for part in ["Stopped part way", id, &running] {
            assert!(
                text.contains(part),
                "{context}: after downgrade base, no `{part}` in\n{text}"
            );
        }
    }
    p.run(&["upgrade"])
        .code(1)
        .stderr_has(&[id, "interrupted", "--resume"]);
    assert_eq!(
        assert_whole_revisions(p, context, Some(index)),
        now_applied,
        "{context}: a refused upgrade changed the version"
    );
    if in_flight_ran {
        seen.in_flight_ran += 1;
        p.db.execute(&if done == 0 {
            format!("DROP TABLE {table}")
        } else {
            format!("DELETE FROM {table} WHERE n = {done}")
        });
    }
    p.run(&["upgrade", "--resume"]).success();
    seen.resumed += 1;
    applied
}

/// kill -9 at seeded random moments of a long multi-revision upgrade: from
/// before the connection to after the last commit. After every kill each
/// revision is applied whole or not at all, as the version table says
/// (except, on MySQL/MariaDB, one interrupted revision: [`check_interrupted`]);
/// a rerun always completes. `RETORT_KILL_RUNS` sets the number of kills
/// (5 by default, to keep the suite fast), `RETORT_KILL_SEED` the seed.
fn kill_campaign(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    let runs: usize = std::env::var("RETORT_KILL_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let seed: u64 = std::env::var("RETORT_KILL_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0x6b69_6c6c);
    for (i, id) in R[..KILL_REVISIONS].iter().enumerate() {
        let inserts: String = (1..=KILL_ROWS)
            .map(|n| format!("INSERT INTO k{i} (n) VALUES ({n});\n"))
            .collect();
        p.revision(
            id,
            if i == 0 { "" } else { R[i - 1] },
            &format!(
                "-- migrate:upgrade\nCREATE TABLE k{i} (n INTEGER);\n{inserts}\n\
                 -- migrate:downgrade\nDROP TABLE k{i};\n"
            ),
        );
    }
    let clock = Instant::now();
    p.run(&["upgrade"]).success();
    let per_revision = clock.elapsed() / KILL_REVISIONS as u32;
    p.run(&["downgrade", "base"]).success();

    // Each kill waits for a random number of revisions to be reported
    // applied (none: it may land before the connection), then a random part
    // of the time one more takes, or a little longer. Waiting on progress
    // rather than a clock alone spreads the kills over every revision
    // however loaded the machine is.
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut reached = [0usize; KILL_REVISIONS + 1];
    let mut finished_first = 0;
    let mut interruptions = Interruptions::default();
    for run in 0..runs {
        let wait_for = rng.usize(0..KILL_REVISIONS);
        let delay = per_revision.mul_f64(rng.f64() * 1.5);
        let context =
            format!("{backend} kill {run} (seed {seed}, after {wait_for} revisions + {delay:?})");
        let mut child = p.spawn(&["upgrade"]);
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, applied) = mpsc::channel();
        // Reads to the end, so retort never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.starts_with("Applied ") {
                    let _ = tx.send(());
                }
            }
        });
        for _ in 0..wait_for {
            // A closed channel: the run ended (and is then killed as it is).
            if applied.recv_timeout(Duration::from_secs(60)).is_err() {
                break;
            }
        }
        std::thread::sleep(delay);
        if child.try_wait().expect("poll retort").is_some() {
            finished_first += 1;
        }
        let _ = child.kill();
        child.wait().expect("reap retort");
        wait_for_orphaned_sessions(&p);
        reached[if backend == Backend::Mysql {
            check_interrupted(&p, &context, rng.bool(), &mut interruptions)
        } else {
            let applied = assert_whole_revisions(&p, &context, None);
            p.run(&["upgrade"]).success();
            applied
        }] += 1;
        assert_eq!(assert_whole_revisions(&p, &context, None), KILL_REVISIONS);
        p.run(&["downgrade", "base"]).success();
        assert_eq!(assert_whole_revisions(&p, &context, None), 0);
    }
    eprintln!(
        "kill campaign, {backend}: {runs} kills (seed {seed}, {per_revision:?} per revision); \
         revisions applied when killed: {reached:?}; {finished_first} runs had finished"
    );
    if backend == Backend::Mysql {
        eprintln!(
            "kill campaign, {backend}: {} kills left a revision interrupted, each shown by status; \
             the statement in flight had run in {}; {} resumed runs completed, {} of them after \
             `downgrade base`",
            interruptions.seen,
            interruptions.in_flight_ran,
            interruptions.resumed,
            interruptions.after_downgrade
        );
    }
}
per_backend!(kill_campaign);
