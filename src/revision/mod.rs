//! Revision files and the graph they form: `file` parses one file, `graph`
//! builds and checks the DAG, `target` resolves identifiers, `applied` is
//! the state a database is at, and `plan` turns that state and an operation
//! into one `Plan`: the ordered steps and their bookkeeping.

pub mod applied;
mod destination;
pub mod direction;
pub mod file;
pub mod graph;
mod heads;
pub mod history;
pub(crate) mod lineage;
pub mod location;
pub mod name;
mod order;
pub mod plan;
pub mod stamp;
pub mod target;

pub use direction::Direction;
pub use file::{Revision, RevisionId, Section};
pub use graph::RevisionGraph;
pub use location::Location;
pub use plan::{Applied, Operation, Plan, PlannedStep, Step};
pub use target::Target;
