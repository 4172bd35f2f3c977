//! `--sql`: the script an operation would run, written without a
//! connection from the same plan and the same statements a live run
//! executes.

use crate::dialect::Dialect;
use crate::migrate::prepare::prepare_all;
use crate::migrate::stamp::run_stamp;
use crate::migrate::tables::Tables;
use crate::migrate::{Batching, Error, Event, Runner, Settings, Sink};
use crate::revision::graph::RevisionGraph;
use crate::revision::plan::{self, Applied, Operation};

/// The script an operation would run from `start`, without a connection
/// (`--sql`): the same statements a live run executes, retort's table
/// creation first.
pub async fn script(
    graph: &RevisionGraph,
    dialect: &'static dyn Dialect,
    settings: &Settings,
    operation: &Operation,
    start: &Applied,
    events: &mut dyn FnMut(Event),
) -> Result<Vec<String>, Error> {
    let tables = Tables::new(dialect, &settings.version_table);
    let mut lines = dialect.script_preamble();
    lines.extend(tables.create(dialect));
    let mut sink = Sink::Script(lines);
    let plan = plan::plan(graph, start, operation)?;
    if plan.stamp.is_some() {
        run_stamp(&mut sink, graph, dialect, &tables, &plan).await?;
    } else {
        let prepared = prepare_all(graph, dialect, &plan)?;
        let runner = Runner {
            graph,
            dialect,
            tables,
            batching: Batching::script(settings),
            resume_from: Vec::new(),
            plan: &plan,
        };
        runner.run(&mut sink, &prepared, events).await?;
    }
    Ok(match sink {
        Sink::Script(lines) => lines,
        Sink::Live(_) => Vec::new(),
    })
}
