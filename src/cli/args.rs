//! The command line, as clap derives it. The seed's helper names
//! (`create`, `autogenerate`, `-r REV`) and Alembic's (`revision -m`,
//! positional revisions) both parse here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Database schema migrations for SQLite, PostgreSQL and MySQL/MariaDB.
#[derive(Debug, Parser)]
#[command(name = "retort", version, about, max_term_width = 100)]
pub struct Cli {
    /// The project file (default: retort.toml, else pyproject.toml with [tool.retort], in this
    /// directory or a parent).
    #[arg(short = 'c', long = "config", global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// The database URL; overrides DATABASE_URL and the project file.
    #[arg(long, global = true, value_name = "URL")]
    pub url: Option<String>,

    /// Output for people or for scripts.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Print only results and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Print more detail.
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// GitHub Actions annotations (`lint`; other commands print text).
    Github,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Connect to the database and print its version.
    TestConnection {
        /// Keep retrying for up to this many seconds (containers starting side by side).
        #[arg(long, value_name = "SECS")]
        wait: Option<u64>,
    },
    /// The revision(s) the database is at.
    Current,
    /// Current revisions, heads, pending revisions, changed and unknown ones.
    Status,
    /// Apply revisions up to REV (default `head`).
    Upgrade(MigrateArgs),
    /// Revert revisions down to REV (`-1`, `base`, an id, `LABEL@-1`).
    Downgrade(MigrateArgs),
    /// Set the version table to REV without running anything.
    Stamp {
        #[command(flatten)]
        target: RevArgs,
        /// Forget what the version table holds first.
        #[arg(long)]
        purge: bool,
        #[command(flatten)]
        offline: OfflineArgs,
    },
    /// Lay out a new project: retort.toml (or pyproject.toml), migrations/versions/, models/.
    Init {
        /// Where to create it (default: this directory).
        dir: Option<PathBuf>,
        /// Put the settings in pyproject.toml as a [tool.retort] table
        /// (appended to an existing file) instead of in retort.toml.
        #[arg(long)]
        pyproject: bool,
    },
    /// The head revisions of the revision files.
    Heads {
        /// Exit 1 when there is more than one head (a CI gate).
        #[arg(long)]
        check: bool,
    },
    /// Revisions where the graph branches.
    Branches,
    /// One revision (or several: `heads`), in full.
    Show {
        /// Identifier: id, prefix, label, `head`, `heads`, `ae10@head`, `head-1` …
        #[arg(value_name = "REV")]
        rev: String,
    },
    /// Revisions, newest first.
    History {
        /// `START:END`, `:END` or `START:`.
        #[arg(short = 'r', long = "rev-range", value_name = "RANGE")]
        range: Option<String>,
        /// Draw the graph beside the revisions, as `git log --graph` does.
        #[arg(long)]
        graph: bool,
    },
    /// A new, empty revision on the current head.
    #[command(visible_alias = "revision")]
    Create(CreateArgs),
    /// Check revision files for statements that lock, rewrite or copy a table, lose data or
    /// break the running release, on the database they will run on (docs/lint.md). Exit 1 on an
    /// error-level finding.
    Lint(LintArgs),
    /// Exit 1 and list the operations when the models and the database differ.
    Check {
        /// Write a dropped and an added column of the same shape as such, not as a rename.
        #[arg(long = "no-renames")]
        no_renames: bool,
    },
    /// The live schema as portable SQL DDL (to start `models/` from an existing database).
    Dump,
    /// A revision holding the difference between the models and the database.
    Autogenerate(AutogenerateArgs),
    /// Make a retort project from another tool's (docs/adopting-from-alembic.md).
    #[command(subcommand)]
    Import(ImportSource),
    /// A revision that merges several heads into one.
    Merge {
        /// The revisions to merge, or `heads`.
        #[arg(value_name = "REV", required = true)]
        revs: Vec<String>,
        /// The message of the new revision.
        #[arg(short, long)]
        message: Option<String>,
        /// A branch label for the new revision.
        #[arg(long = "branch-label", value_name = "LABEL")]
        branch_label: Option<String>,
        /// Use this id instead of a random one.
        #[arg(long = "rev-id", value_name = "ID")]
        rev_id: Option<String>,
    },
    /// Print the shell completion script for SHELL (see the README, "Install").
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff); view it with `retort man | man -l -`.
    Man {
        /// Write retort.1 and a page per subcommand (retort-upgrade.1 …) into DIR instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// `import SOURCE`.
#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// An Alembic project: the same revision ids, parents and labels, the
    /// bodies as Alembic writes them offline.
    Alembic(ImportAlembicArgs),
}

/// `import alembic`.
#[derive(Debug, Args)]
pub struct ImportAlembicArgs {
    /// `alembic.ini`, or the directory holding it (default: this directory).
    pub path: Option<PathBuf>,
    /// Where to write `retort.toml` and `migrations/versions/` (default:
    /// the directory of `alembic.ini`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The databases to write the revisions for, e.g. `postgresql,sqlite`
    /// (default: the database of the ini's `sqlalchemy.url`).
    #[arg(long = "dialect", value_name = "LIST", value_delimiter = ',')]
    pub dialects: Vec<String>,
    /// The python that has the project's Alembic (its virtualenv's).
    #[arg(long, value_name = "PATH", default_value = "python3")]
    pub python: String,
    /// Write nothing: show what would be written and which revisions need a hand.
    #[arg(long)]
    pub check: bool,
    /// Exit 0 even when revisions need a hand (their placeholders stop runs).
    #[arg(long = "allow-incomplete")]
    pub allow_incomplete: bool,
}

/// `lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Revision files to check (default: every revision of the project).
    #[arg(value_name = "FILE", conflicts_with_all = ["since", "all"])]
    pub files: Vec<PathBuf>,
    /// Only the revisions after REV (e.g. the one production is at).
    #[arg(long, value_name = "REV", conflicts_with = "all")]
    pub since: Option<String>,
    /// Every revision (the default without FILE or --since).
    #[arg(long)]
    pub all: bool,
    /// The database to check for: postgresql, mysql or sqlite (default: the URL's).
    #[arg(long, value_name = "DIALECT")]
    pub dialect: Option<String>,
}

/// `autogenerate` (and `revision --autogenerate`).
#[derive(Debug, Args)]
pub struct AutogenerateArgs {
    /// The message of the new revision.
    #[arg(short, long)]
    pub message: String,
    /// Write a dropped and an added column (or table) of the same shape as
    /// a drop and an add, not as a rename.
    #[arg(long = "no-renames")]
    pub no_renames: bool,
    /// Write the revision even when nothing differs.
    #[arg(long)]
    pub empty: bool,
    /// Compare the models with an empty database instead of the live one:
    /// a first revision that creates the whole schema (a new baseline;
    /// `stamp head` then marks an existing database). No connection.
    #[arg(long = "from-empty")]
    pub from_empty: bool,
    /// Use this id instead of a random one.
    #[arg(long = "rev-id", value_name = "ID")]
    pub rev_id: Option<String>,
}

/// `create` / `revision`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The message of the new revision.
    #[arg(short, long)]
    pub message: String,
    /// Build on this revision instead of the single head (`base` starts a new root).
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// Allow `--head` to name a revision that is not a head, starting a branch.
    #[arg(long)]
    pub splice: bool,
    /// A branch label for the new revision.
    #[arg(long = "branch-label", value_name = "LABEL")]
    pub branch_label: Option<String>,
    /// Revisions (ids or labels) the new one depends on; repeat or separate with commas.
    #[arg(long = "depends-on", value_name = "REV", value_delimiter = ',')]
    pub depends_on: Vec<String>,
    /// Use this id instead of a random one.
    #[arg(long = "rev-id", value_name = "ID")]
    pub rev_id: Option<String>,
    /// Compare the models with the database, as `retort autogenerate` does.
    #[arg(long)]
    pub autogenerate: bool,
    /// With `--autogenerate`: no rename detection.
    #[arg(long = "no-renames", requires = "autogenerate")]
    pub no_renames: bool,
    /// With `--autogenerate`: compare with an empty database (see `autogenerate --from-empty`).
    #[arg(long = "from-empty", requires = "autogenerate")]
    pub from_empty: bool,
}

/// The revision argument, positional (Alembic) or `-r` (the seed's helper).
#[derive(Debug, Args)]
pub struct RevArgs {
    /// Target revision: an id, prefix, label, `head`, `base`, `-1`, `+2`, `LABEL@head` …
    #[arg(value_name = "REV", allow_hyphen_values = true)]
    pub rev: Option<String>,
    /// The same, as the seed's `migrate.py` spells it.
    #[arg(
        short = 'r',
        long = "revision",
        value_name = "REV",
        allow_hyphen_values = true,
        conflicts_with = "rev"
    )]
    pub revision: Option<String>,
}

impl RevArgs {
    /// The revision, from either spelling.
    pub fn get(&self) -> Option<&str> {
        self.rev.as_deref().or(self.revision.as_deref())
    }
}

/// `--sql` and `--dialect`.
#[derive(Debug, Args)]
pub struct OfflineArgs {
    /// Print the SQL script instead of running it; no connection is made.
    /// `START:END` in REV starts the script at START.
    #[arg(long)]
    pub sql: bool,
    /// The dialect of the `--sql` script (default: the URL's).
    #[arg(long, value_name = "DIALECT", requires = "sql")]
    pub dialect: Option<String>,
}

/// `upgrade` / `downgrade`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub target: RevArgs,
    #[command(flatten)]
    pub offline: OfflineArgs,
    /// Run inside a transaction and roll it back (PostgreSQL, SQLite).
    #[arg(long = "dry-run", conflicts_with = "sql")]
    pub dry_run: bool,
    /// Accept the changed checksum of this applied revision (repeatable).
    #[arg(long = "accept-checksum", value_name = "REV")]
    pub accept_checksum: Vec<String>,
    /// Continue a revision that stopped part way on MySQL/MariaDB, after the
    /// statements that already ran.
    #[arg(long)]
    pub resume: bool,
}
